import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { readKeys } from "../keys/read-key";
import { diffValues } from "../keys/diff-values";
import { corpusFile, keyEvents, parseAll } from "./corpus.test-helper";
import { decodeValue } from "./decode-value";
import { jsonValue } from "./dump-json";
import type { RdbEvent } from "./types";

/**
 * Files no local redis-server 7.0 can load (RDB 11-12, Valkey 9, a zipmap count Redis >= 7 rejects,
 * module data) checked against what the projects that published them expect (HDT3213/rdb
 * cases/*.json, redis-rdb-tools tests/parser_tests.py), transcribed here.
 */

function dump(name: string): { events: RdbEvent[]; keys: Record<string, { db: number; type: string; expireAt: number | null; value: unknown }> } {
  const events = parseAll(corpusFile(name).data);
  const keys: Record<string, { db: number; type: string; expireAt: number | null; value: unknown }> = {};
  for (const k of keyEvents(events)) keys[k.key.toString("utf8")] = { db: k.db, type: k.type, expireAt: k.expireAt, value: jsonValue(decodeValue(k)) };
  return { events, keys };
}

const sortPairs = (v: unknown) => [...(v as string[][])].sort((a, b) => (a[0] < b[0] ? -1 : 1));

describe("RDB 11, 12 and Valkey files against their published contents", () => {
  it("function.rdb (RDB 11): one FUNCTION2 library", () => {
    const { events } = dump("function.rdb");
    const fns = events.filter((e) => e.kind === "function");
    expect(fns).toHaveLength(1);
    expect(fns[0].kind === "function" && fns[0].code.toString()).toBe("#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 'hello' end)");
    expect(events.filter((e) => e.kind === "aux").map((e) => e.kind === "aux" && `${e.key}=${e.value}`)).toContain("redis-ver=7.2.5");
  });

  it("expiration.rdb (RDB 11): one key expiring on 2025-07-06, one without TTL", () => {
    const { keys } = dump("expiration.rdb");
    expect(keys.noexpire).toEqual({ db: 0, type: "string", expireAt: null, value: "1" });
    expect(keys.expired.expireAt).toBe(1751792339236);
    expect(keys.expired.expireAt! >= 1751731200_000 && keys.expired.expireAt! < 1751817600_000).toBe(true);
  });

  it("set_listpack.rdb (RDB 11): set in a listpack", () => {
    const { events, keys } = dump("set_listpack.rdb");
    expect(keyEvents(events)[0].rdbType).toBe(20);
    expect(keys.s).toEqual({ db: 0, type: "set", expireAt: null, value: ["a", "b", "c", "d"] });
  });

  it("hash_with_hfe.rdb (RDB 12): hash with field TTLs in the metadata form", () => {
    const { events, keys } = dump("hash_with_hfe.rdb");
    expect(keyEvents(events)[0].rdbType).toBe(24);
    const expire: Record<string, number> = { F1: 2755482424661, F2: 2755483429282, F3: 2755484433842 };
    const expected = ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8"].map((f) => (expire[f] ? [f, `V${f[1]}`, expire[f]] : [f, `V${f[1]}`]));
    expect(sortPairs(keys["hash-hfe"].value)).toEqual(expected);
  });

  it("hash_as_listpack_with_hfe.rdb (RDB 12): listpack_ex hash", () => {
    const { events, keys } = dump("hash_as_listpack_with_hfe.rdb");
    expect(keyEvents(events)[0].rdbType).toBe(25);
    expect(sortPairs(keys["listpack-hfe"].value)).toEqual([["F1", "V1", 2755482478325], ["F2", "V2"], ["F3", "V3", 2755484483878]]);
  });

  it("stream_listoacks_3.rdb (RDB 12): stream v3 with a group, PEL and consumer active time", () => {
    const { keys } = dump("stream_listoacks_3.rdb");
    expect(keys.mystream.value).toEqual({
      entries: [{ id: "1704557973866-0", fields: ["name", "Sara", "surname", "OConnor"] }],
      length: 1,
      lastId: "1704557973866-0",
      firstId: "1704557973866-0",
      maxDeletedId: "0-0",
      entriesAdded: 1,
      groups: [{
        name: "consumer-group-name",
        lastId: "1704557973866-0",
        entriesRead: 1,
        pending: [{ id: "1704557973866-0", consumer: "consumer-name", deliveryTime: 1704557998397, deliveryCount: 1 }],
        consumers: [{ name: "consumer-name", seenTime: 1704557998397, activeTime: 1704557998397, pending: ["1704557973866-0"] }],
      }],
    });
  });

  it("tree.rdb (RDB 12): seven strings under a common prefix", () => {
    const { keys } = dump("tree.rdb");
    expect(Object.keys(keys).sort()).toEqual(["a", "ab", "abb", "abba", "abbd", "abc", "b"]);
    expect(keys.abbd.value).toBe("abbbbbbbbbbbbbb");
  });

  it("valkey_hash2_with_hfe.rdb (VALKEY080): Valkey's hash with absolute field TTLs", () => {
    const { events, keys } = dump("valkey_hash2_with_hfe.rdb");
    expect(events[0]).toEqual({ kind: "header", version: 80, magic: "VALKEY" });
    expect(keys["hash2-hfe"].value).toEqual([["F1", "V1", 2715785640000], ["F2", "V2", 2400425640000], ["F3", "V3"]]);
    expect(events.at(-1)).toEqual({ kind: "end", checksum: "ok" });
  });

  it("zipmap_big_len.rdb: zipmap whose count byte says 'unknown' (Redis 2.x semantics)", () => {
    expect(dump("zipmap_big_len.rdb").keys.zimap_doesnt_compress.value).toEqual([["MKD1G6", "2"], ["YNNXK", "F7TI"]]);
  });

  it("redis_40_with_module.rdb: a module value reports its module name", () => {
    const { events, keys } = dump("redis_40_with_module.rdb");
    expect(keys.simplekey.value).toBe("someval");
    expect(keys.foo).toEqual({ db: 0, type: "module", expireAt: null, value: { module: "ReJSON-RL" } });
    expect(keyEvents(events).find((k) => k.type === "module")?.moduleName).toBe("ReJSON-RL");
  });

  it("redis_60_with_module_aux.rdb: module aux data is skipped and named", () => {
    const { events } = dump("redis_60_with_module_aux.rdb");
    expect(events.filter((e) => e.kind === "module-aux")).toEqual([{ kind: "module-aux", moduleName: "test__rdb", when: 2 }]);
    expect(keyEvents(events)).toHaveLength(0);
  });
});

const hasValkey = spawnSync("valkey-server", ["--version"]).status === 0;

afterAll(stopAll);

/** Valkey 8 loads RDB 11: where it is installed, it is a second oracle for the RDB 11 files. */
describe.skipIf(!hasValkey)("RDB 11 files vs. valkey-server 8 loading them", () => {
  for (const name of ["function.rdb", "expiration.rdb", "set_listpack.rdb"]) {
    it(name, async () => {
      const f = corpusFile(name);
      const events = parseAll(f.data);
      const node = await startRedis({ binary: "valkey-server", rdbFile: f.path });
      const client = node.client();
      const now = Date.now();
      const keys = keyEvents(events).filter((k) => k.expireAt === null || k.expireAt > now);
      const live = await readKeys(client, keys.map((k) => k.key));
      keys.forEach((k, i) => {
        expect(live[i], k.key.toString()).not.toBeNull();
        expect(diffValues(decodeValue(k), live[i]!.value)).toBeNull();
        expect(live[i]!.expireAt).toBe(k.expireAt);
      });
      expect(Number(await client.dbsize())).toBe(keys.length);
      const libs = (await client.call("FUNCTION", "LIST", "WITHCODE")) as unknown[];
      const codes = events.filter((e) => e.kind === "function").map((e) => (e.kind === "function" ? e.code.toString() : ""));
      expect(libs.length).toBe(codes.length);
      for (const code of codes) expect(JSON.stringify(libs)).toContain(JSON.stringify(code).slice(1, -1).slice(0, 40));
      await node.stop();
    });
  }
});
