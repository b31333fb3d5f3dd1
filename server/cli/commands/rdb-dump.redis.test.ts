import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { corpusFile, keyEvents, parseAll } from "../../engine/rdb/corpus.test-helper";
import { decodeValue } from "../../engine/rdb/decode-value";
import { jsonValue } from "../../engine/rdb/dump-json";
import { len, rdbFile, str } from "../../engine/rdb/rdb-writer.test-helper";

const BIN = path.resolve(import.meta.dirname, "../../../bin/redis-dts");
const tmp = mkdtempSync(path.join(os.tmpdir(), "rdb-dump-test-"));

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, ["rdb", "dump", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (s: string) => s.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
const bytesOf = (v: string | { base64: string }) => (typeof v === "string" ? Buffer.from(v, "utf8") : Buffer.from(v.base64, "base64"));

afterAll(async () => {
  await stopAll();
  rmSync(tmp, { recursive: true, force: true });
});

describe("redis-dts rdb dump", () => {
  it("--json: one object per key with db, key, type, expireAt, value; functions too", async () => {
    for (const name of ["multiple_databases.rdb", "stream_listoacks_3.rdb", "function.rdb", "valkey_hash2_with_hfe.rdb", "zipmap_with_big_values.rdb"]) {
      const f = corpusFile(name);
      const r = await cli(f.path, "--json");
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe("");
      const out = lines(r.stdout);
      const events = parseAll(f.data);
      const keys = keyEvents(events);
      const fns = events.filter((e) => e.kind === "function");
      expect(out, name).toHaveLength(keys.length + fns.length);
      for (const o of out) expect(Object.keys(o)).toEqual(["db", "key", "type", "expireAt", "value"]);
      const byKey = out.filter((o) => o.type !== "function");
      keys.forEach((k, i) => {
        expect(byKey[i]).toEqual({ db: k.db, key: k.key.toString("utf8"), type: k.type, expireAt: k.expireAt, value: jsonValue(decodeValue(k)) });
      });
      if (fns.length) expect(out.find((o) => o.type === "function")).toMatchObject({ db: null, key: "mylib", expireAt: null });
    }
  });

  it("is binary-safe: non-UTF-8 bytes come out as {base64} and decode back exactly", async () => {
    const key = Buffer.from([0xff, 0x00, 0x41]);
    const value = Buffer.from([0xc3, 0x28, 0x0a]);
    const file = path.join(tmp, "binary.rdb");
    writeFileSync(file, rdbFile([Buffer.from([0xfe]), len(0), Buffer.from([0]), str(key), str(value), Buffer.from([0]), str("plain"), str("héllo")]));
    const r = await cli(file, "--json");
    expect(r.code, r.stderr).toBe(0);
    const [bin, plain] = lines(r.stdout);
    expect(bin.key).toEqual({ base64: key.toString("base64") });
    expect(bytesOf(bin.key).equals(key)).toBe(true);
    expect(bytesOf(bin.value).equals(value)).toBe(true);
    expect(plain).toEqual({ db: 0, key: "plain", type: "string", expireAt: null, value: "héllo" });
  });

  it("streams a server's dump of many keys (every key once, in order)", async () => {
    const node = await startRedis();
    const c = node.client();
    const p = c.pipeline();
    for (let i = 0; i < 30_000; i++) p.set(`key:${i}`, `value-${i}-${"x".repeat(i % 100)}`);
    for (let i = 0; i < 200; i++) p.hset(`hash:${i}`, "a", String(i), "b", "y".repeat(i));
    await p.exec();
    await c.call("SAVE");
    const r = await cli(path.join(node.dir, "dump.rdb"), "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(30_200);
    expect(new Set(out.map((o) => o.key)).size).toBe(30_200);
    const k = out.find((o) => o.key === "key:1234");
    expect(k).toEqual({ db: 0, key: "key:1234", type: "string", expireAt: null, value: `value-1234-${"x".repeat(34)}` });
  });

  it("without --json prints a readable listing", async () => {
    const r = await cli(corpusFile("redis_50_with_streams.rdb").path);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# REDIS RDB version 9$/m);
    expect(r.stdout).toMatch(/^db0 stream\(stream-listpacks\) "mystream" 4 entries/m);
    expect(r.stdout).toMatch(/^# end \(checksum ok\)$/m);
  });

  it("exits 1 with one clear line for a missing or corrupt file (stack only with --debug)", async () => {
    const missing = await cli(path.join(tmp, "nope.rdb"), "--json");
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/nope\.rdb/);

    const data = readFileSync(corpusFile("listpack.rdb").path);
    const cut = path.join(tmp, "cut.rdb");
    writeFileSync(cut, data.subarray(0, 120));
    const r = await cli(cut, "--json");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^redis-dts rdb dump: corrupt RDB: .* at byte offset \d+\n$/);
    const debug = await cli(cut, "--json", "--debug");
    expect(debug.code).toBe(1);
    expect(debug.stderr.trim().split("\n").length).toBeGreaterThan(2);
  });

  it("exits 2 on a usage error and documents the JSON encoding in --help", async () => {
    expect((await cli()).code).toBe(2);
    const help = await cli("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/base64/);
    expect(help.stdout).toMatch(/--json/);
  });
});
