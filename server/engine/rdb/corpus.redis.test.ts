import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { readKeys } from "../keys/read-key";
import { diffValues } from "../keys/diff-values";
import type { TypedValue } from "../values/typed-value";
import { corpusFiles, keyEvents, parseAll } from "./corpus.test-helper";
import { decodeValue } from "./decode-value";
import type { RdbKeyEvent } from "./types";

/**
 * Oracle test: a real redis-server 7.0 loads each corpus file up to RDB version 10 itself; every
 * key it holds must be what our parser + decodeValue produce (type, value, absolute TTL), and
 * nothing more. Keys Redis drops while loading (already expired, empty collections) must be the
 * ones we would drop too.
 */

/**
 * Files redis-server 7.0 refuses: module data without the module, and a zipmap whose count byte
 * is 255 (Redis 2.x meant "unknown"; Redis >= 6.2's integrity check rejects it). All three are
 * checked against their published contents in known-contents.redis.test.ts.
 */
const NOT_LOADABLE = new Set(["redis_40_with_module.rdb", "redis_60_with_module_aux.rdb", "zipmap_big_len.rdb"]);

function isEmpty(v: TypedValue): boolean {
  switch (v.type) {
    case "list": return v.items.length === 0;
    case "set": return v.members.length === 0;
    case "zset": return v.entries.length === 0;
    case "hash": return v.fields.length === 0;
    default: return false;
  }
}

afterAll(stopAll);

describe("parser vs. redis-server 7.0 loading the same corpus file", () => {
  const files = corpusFiles().filter((f) => f.magic === "REDIS" && f.version <= 10 && !NOT_LOADABLE.has(f.name));

  it("covers the corpus files redis-server 7.0 can load", () => {
    expect(files.length).toBeGreaterThan(30);
  });

  for (const f of files) {
    it(f.name, async () => {
      const keys = keyEvents(parseAll(f.data));
      const node = await startRedis({ rdbFile: f.path });
      const now = Date.now();
      const byDb = new Map<number, RdbKeyEvent[]>();
      for (const k of keys) byDb.set(k.db, [...(byDb.get(k.db) ?? []), k]);
      let checked = 0;
      for (const [db, entries] of byDb) {
        const client = node.client();
        await client.select(db);
        const live = await readKeys(client, entries.map((e) => e.key));
        entries.forEach((e, i) => {
          const decoded = decodeValue(e);
          const name = `${f.name} db${db} key ${JSON.stringify(e.key.toString("latin1"))}`;
          if ((e.expireAt !== null && e.expireAt <= now) || isEmpty(decoded)) {
            expect(live[i], `${name} should have been dropped by the server`).toBeNull();
            return;
          }
          const got = live[i];
          expect(got, `${name} missing on the server`).not.toBeNull();
          expect(got!.value.type, name).toBe(decoded.type);
          expect(diffValues(decoded, got!.value), name).toBeNull();
          expect(got!.expireAt, `${name} expiry`).toBe(e.expireAt);
          checked++;
        });
        const size = Number(await client.dbsize());
        const expected = entries.filter((e) => !(e.expireAt !== null && e.expireAt <= now) && !isEmpty(decodeValue(e))).length;
        expect(size, `${f.name} db${db} key count`).toBe(expected);
      }
      // databases we saw no key for must be empty on the server too
      const info = String(await node.client().info("keyspace"));
      const dbs = [...info.matchAll(/^db(\d+):keys=(\d+)/gm)].map((m) => Number(m[1]));
      for (const db of dbs) expect(byDb.has(db), `${f.name}: server has keys in db${db}`).toBe(true);
      expect(checked + keys.length).toBeGreaterThanOrEqual(keys.length);
      await node.stop();
    });
  }
});
