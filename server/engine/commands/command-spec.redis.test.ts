import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { COMMAND_SPECS, KEYLESS } from "./command-spec";

/**
 * Every command a real server may write to its replication stream with keys must be in the apply
 * table: one it does not know is sent without a key, so a cluster destination answers MOVED forever.
 * The fuzz found PFCOUNT this way (it rewrites the cached cardinality and is replicated).
 */

/** written by the server but never replicated as themselves */
const NEVER_REPLICATED = new Set([
  "xreadgroup", // replicated as XCLAIM / XGROUP SETID
  "migrate", // replicated as DEL
]);

let node: RedisNode;
beforeAll(async () => {
  node = await startRedis();
});
afterAll(stopAll);

describe("the command table", () => {
  it("knows every keyed command the server flags write or may-replicate, or whose key spec may write", async () => {
    const rows = (await node.client().call("COMMAND")) as unknown[][];
    const unknown: string[] = [];
    const check = (row: unknown[], container?: string) => {
      const name = String(row[0]).toLowerCase();
      const flags = (row[2] as unknown[]).map(String);
      const keyed = Number(row[3]) > 0 || flags.includes("movablekeys");
      // PFCOUNT is flagged readonly: only its key spec (RW) says it may write and replicate
      const specFlags = ((row[8] as unknown[][] | undefined) ?? []).flatMap((spec) => {
        const at = spec.findIndex((x) => String(x) === "flags");
        return at >= 0 ? (spec[at + 1] as unknown[]).map(String) : [];
      });
      const writes = flags.includes("write") || flags.includes("may_replicate") || specFlags.some((f) => ["RW", "OW", "RM"].includes(f));
      const top = container ?? name;
      if (keyed && writes && !COMMAND_SPECS.has(top) && !KEYLESS.has(top) && !NEVER_REPLICATED.has(top)) unknown.push(name);
      for (const sub of (row[9] as unknown[][] | undefined) ?? []) check(sub, top);
    };
    for (const row of rows) check(row);
    expect(rows.length).toBeGreaterThan(200);
    expect(unknown.sort()).toEqual([]);
  });
});
