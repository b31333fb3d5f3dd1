import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "./args";
import { endpointFromFlags } from "./endpoint-flags";
import { startRedis, stopAll, waitFor, type RedisNode } from "../testing/redis-harness";
import { syncProcessPool } from "../testing/sync-process";

/**
 * Finding 5 of issue 13: passwords on the command line are visible to every local user in `ps`.
 * They come from REDIS_DTS_<SIDE>_PASSWORD or --<side>-password-file; a URI password warns.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-cli-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every argv of a process and its descendants, read from /proc (what `ps` shows). */
function commandLines(pid: number): string[] {
  const out: string[] = [];
  const visit = (p: number) => {
    const file = `/proc/${p}/cmdline`;
    if (!existsSync(file)) return;
    out.push(readFileSync(file, "utf8").replace(/\0/g, " "));
    for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === p) visit(Number(entry));
      } catch {
        // the process ended meanwhile
      }
    }
  };
  visit(pid);
  return out;
}

describe("endpointFromFlags", () => {
  const warnings: string[] = [];
  const opts = (env: Record<string, string> = {}) => ({ env, warn: (l: string) => warnings.push(l) });

  it("takes the password from the environment or a file when the URI has none, and warns about one in the URI", () => {
    expect(endpointFromFlags("source", { source: "redis://dts@10.0.0.1:6379" }, opts({ REDIS_DTS_SOURCE_PASSWORD: "from-env" }))).toMatchObject({ username: "dts", password: "from-env" });
    const file = path.join(dir, "target.pw");
    writeFileSync(file, "from-file\n", { mode: 0o600 });
    expect(endpointFromFlags("target", { target: "redis://10.0.0.2:6379", "target-password-file": file }, opts({ REDIS_DTS_TARGET_PASSWORD: "env-loses" })).password).toBe("from-file");
    expect(warnings).toEqual([]);
    expect(endpointFromFlags("source", { source: "redis://:in-uri@10.0.0.1:6379" }, opts({ REDIS_DTS_SOURCE_PASSWORD: "ignored" })).password).toBe("in-uri");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: the --source URI carries a password, which every local user can read in the process list; use REDIS_DTS_SOURCE_PASSWORD or --source-password-file instead$/);
    expect(warnings[0]).not.toContain("in-uri");
  });

  it("refuses a missing or empty password file, and a password given twice, in one line", () => {
    const empty = path.join(dir, "empty.pw");
    writeFileSync(empty, "\n");
    const flags = (extra: Record<string, string>) => ({ source: "redis://10.0.0.1:6379", ...extra });
    expect(() => endpointFromFlags("source", flags({ "source-password-file": path.join(dir, "nope") }), opts())).toThrow(new UsageError(`--source-password-file: cannot read ${path.join(dir, "nope")}: no such file`));
    expect(() => endpointFromFlags("source", flags({ "source-password-file": empty }), opts())).toThrow(/is empty: write the password on its first line/);
    expect(() => endpointFromFlags("source", { source: "redis://:x@h:1", "source-password-file": empty }, opts())).toThrow(/give it once/);
  });
});

describe("sync without passwords in argv", () => {
  const pool = syncProcessPool();
  let source: RedisNode;
  let target: RedisNode;
  beforeAll(async () => {
    [source, target] = await Promise.all([startRedis({ password: "src-secret-7f3a" }), startRedis({ aclUsers: { dts: "on >dst-secret-91bc ~* &* +@all" } })]);
  });
  afterEach(pool.cleanup);
  afterAll(stopAll);

  it("reaches Synchronizing with secrets from the environment and a file, none of them in any command line", async () => {
    await source.client().set("k", "v");
    const file = path.join(dir, "dst.pw");
    writeFileSync(file, "dst-secret-91bc\n", { mode: 0o600 });
    const sync = pool.start(
      ["--task", "no-argv-secrets", "--source", `redis://127.0.0.1:${source.port}`, "--target", `redis://dts@127.0.0.1:${target.port}`, "--target-password-file", file],
      undefined,
      { REDIS_DTS_SOURCE_PASSWORD: "src-secret-7f3a" },
    );
    await sync.waitState("synchronizing");
    await waitFor(async () => (await target.client().get("k")) === "v", 30_000, "k on the destination");
    const lines = commandLines(sync.pid!);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain("src-secret-7f3a");
      expect(line).not.toContain("dst-secret-91bc");
    }
    expect(sync.stderr).not.toMatch(/warning/);
  });
});
