import { describe, expect, it } from "vitest";
import { buildModule } from "./build-module";

describe("buildModule", () => {
  it("says clearly that gcc is missing instead of failing somewhere later", () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      // a variant no earlier run has cached
      expect(() => buildModule("dtstype", { DTSTYPE_PROBE: `${process.pid}${Date.now()}` })).toThrow(/^gcc is not installed: the module tests build their test module with it \(apt-get install -y build-essential/);
    } finally {
      process.env.PATH = path;
    }
  });

  it("builds once and then reuses the cached shared object", () => {
    const a = buildModule("dtstype");
    expect(buildModule("dtstype")).toBe(a);
    expect(a).toMatch(/\.cache\/modules\/dtstype-[0-9a-f]{16}\.so$/);
  });
});
