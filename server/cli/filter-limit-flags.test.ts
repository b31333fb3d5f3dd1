import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "./main";
import { parseArgs } from "./args";
import { KEY_FILTER_FLAGS, keyFilterOptions } from "./options";

afterEach(() => vi.restoreAllMocks());

/** runs the CLI, returns its exit code and what it wrote to stderr */
async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const code = await main(argv);
  return { code, stderr };
}

const base = ["sync", "--task", "t", "--source", "redis://127.0.0.1:1", "--target", "redis://127.0.0.1:2"];

describe("--include / --exclude and the speed limit flags", () => {
  it("collects repeated --include and --exclude in order", () => {
    const args = parseArgs(["--include", "a:*", "--exclude", "b", "--include", "c:*"], KEY_FILTER_FLAGS);
    expect(keyFilterOptions(args)).toEqual({ include: ["a:*", "c:*"], exclude: ["b"] });
  });

  it.each([
    [["--include", ""], "--include: a key filter pattern cannot be empty"],
    [["--exclude", "  "], "--exclude: a key filter pattern cannot be empty"],
    [["--max-keys-per-sec", "0"], "--max-keys-per-sec must be a number above 0 (got 0)"],
    [["--max-mb-per-sec", "-1"], "--max-mb-per-sec must be a number above 0 (got -1)"],
    [["--max-cmds-per-sec", "lots"], '--max-cmds-per-sec must be a number above 0 (got "lots")'],
  ])("sync %j: exit 2 with one line", async (extra, message) => {
    const { code, stderr } = await run([...base, ...extra]);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")[0]).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("compare refuses an empty pattern the same way", async () => {
    const { code, stderr } = await run(["compare", "--source", "redis://127.0.0.1:1", "--target", "redis://127.0.0.1:2", "--include", ""]);
    expect(code).toBe(2);
    expect(stderr).toContain("--include: a key filter pattern cannot be empty");
  });
});
