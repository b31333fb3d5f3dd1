import { afterEach, describe, expect, it, vi } from "vitest";
import { GC_EVERY_BYTES, noteBytesRead } from "./gc-pacer";

const g = globalThis as { gc?: unknown };
const had = g.gc;
afterEach(() => {
  g.gc = had;
});

describe("gc pacer", () => {
  it("asks for one major collection per budget of bytes read, whatever the chunk sizes", () => {
    const gc = vi.fn();
    g.gc = gc;
    noteBytesRead(GC_EVERY_BYTES); // whatever earlier tests left pending, the budget is now spent
    gc.mockClear();
    for (let i = 0; i < 3 * 1024; i++) noteBytesRead(GC_EVERY_BYTES / 1024);
    expect(gc).toHaveBeenCalledTimes(3);
    expect(gc).toHaveBeenCalledWith({ type: "major" });
    noteBytesRead(GC_EVERY_BYTES - 1);
    expect(gc).toHaveBeenCalledTimes(3);
  });

  it("does nothing when node runs without --expose-gc", () => {
    g.gc = undefined;
    expect(() => noteBytesRead(4 * GC_EVERY_BYTES)).not.toThrow();
  });

  it("is what the launcher's flags enable", async () => {
    const { launcherCommand } = await import("../../runner/child-process");
    expect(launcherCommand().flags).toContain("--expose-gc");
  });
});
