import { describe, expect, it } from "vitest";
import { parseArgs, UsageError, type FlagSpec } from "./args";
import { CONFLICT_CHOICES, choice, databaseOptions, endpointOption, noPositionals } from "./options";

const specs: FlagSpec[] = ["source", "target", "source-mode", "target-mode", "dbs", "db-map", "conflict", "mode"].map((name) => ({ name, value: true, help: "" }));
const args = (...argv: string[]) => parseArgs(argv, specs);

describe("shared CLI options", () => {
  it("parse both endpoints with their modes and the databases", () => {
    const a = args("--source", "redis://:pw@10.0.0.1:7000", "--source-mode", "cluster", "--target=redis://10.0.0.2:6380", "--dbs", "0,2", "--db-map", "2:0");
    expect(endpointOption(a, "source")).toMatchObject({ host: "10.0.0.1", port: 7000, mode: "cluster", password: "pw" });
    expect(endpointOption(a, "target")).toMatchObject({ host: "10.0.0.2", port: 6380, mode: "standalone" });
    expect(databaseOptions(a)).toEqual({ dbs: [0, 2], dbMap: new Map([[2, 0]]) });
  });

  it("turn every bad value into a usage error that names its flag", () => {
    expect(() => endpointOption(args(), "target")).toThrow(new UsageError("--target URI is required"));
    expect(() => endpointOption(args("--source", "http://x:1"), "source")).toThrow(/^--source: .*unsupported scheme/);
    expect(() => endpointOption(args("--source", "redis://x:1", "--source-mode", "sentinel"), "source")).toThrow(/--source-mode must be standalone or cluster/);
    expect(() => databaseOptions(args("--dbs", "0,x"))).toThrow(UsageError);
    expect(() => choice(args("--mode", "fast"), "mode", ["full", "quick"])).toThrow(new UsageError("--mode must be full or quick"));
    expect(() => choice(args("--mode", "x"), "mode", ["pause", "skip", "fail"])).toThrow(new UsageError("--mode must be pause, skip or fail"));
    expect(() => noPositionals({ flags: {}, positionals: ["extra"] })).toThrow(new UsageError("unexpected argument 'extra'"));
  });

  it("take the first choice as the default", () => {
    expect(choice(args(), "conflict", CONFLICT_CHOICES)).toBe("intercept");
    expect(choice(args("--conflict", "ignore"), "conflict", CONFLICT_CHOICES)).toBe("ignore");
  });
});
