import { describe, expect, it } from "vitest";
import calculateSlot from "cluster-key-slot";
import { planCommand, type PlanContext, type Step } from "./plan-command";
import { CommandKeys } from "../commands/command-keys";
import { parseCommandTable } from "../commands/key-specs";
import redis70 from "../commands/fixtures/command-info.redis-7.0.json";
import { KeyFilter } from "../filter/key-filter";

const argv = (...a: (string | number)[]) => a.map((x) => Buffer.from(String(x)));
const text = (steps: Step[]) =>
  steps.map((s) => ("argv" in s ? { kind: s.kind, db: s.db, argv: s.argv.map(String).join(" ") } : { kind: s.kind }));

function ctx(over: Partial<PlanContext> = {}): PlanContext {
  return { cluster: false, mapDb: (d) => (d <= 1 ? d : undefined), merged: () => false, ignoreFlush: false, receivedAt: 1_000_000, ...over };
}
const clusterCtx = (over: Partial<PlanContext> = {}) => ctx({ cluster: true, mapDb: (d) => (d <= 1 ? 0 : undefined), merged: () => true, ...over });

describe("planCommand", () => {
  it("routes a single-key write through the database mapping", () => {
    expect(text(planCommand(argv("SET", "k", "v"), 1, ctx({ mapDb: (d) => (d === 1 ? 5 : undefined) })))).toEqual([{ kind: "write", db: 5, argv: "SET k v" }]);
  });

  it("drops commands of databases that are not synchronized", () => {
    expect(planCommand(argv("SET", "k", "v"), 3, ctx())).toEqual([]);
  });

  it("turns relative expiries into absolute times from the receive time", () => {
    expect(text(planCommand(argv("EXPIRE", "k", 10), 0, ctx()))[0].argv).toBe("PEXPIREAT k 1010000");
    expect(text(planCommand(argv("SETEX", "k", 2, "v"), 0, ctx()))[0].argv).toBe("SET k v PXAT 1002000");
    expect(text(planCommand(argv("SET", "k", "v", "PX", 5, "NX"), 0, ctx()))[0].argv).toBe("SET k v PXAT 1000005 NX");
    expect(text(planCommand(argv("SET", "k", "v", "PXAT", 5), 0, ctx()))[0].argv).toBe("SET k v PXAT 5");
  });

  it("splits cross-slot DEL and MSET/MSETNX per slot on a cluster destination", () => {
    const a = "a", c = "c";
    expect(calculateSlot(a)).not.toBe(calculateSlot(c));
    expect(text(planCommand(argv("DEL", a, c), 0, clusterCtx()))).toEqual([
      { kind: "write", db: 0, argv: "DEL a" },
      { kind: "write", db: 0, argv: "DEL c" },
    ]);
    expect(text(planCommand(argv("MSETNX", a, 1, c, 2, "{a}x", 3), 0, clusterCtx()))).toEqual([
      { kind: "write", db: 0, argv: "MSET a 1 {a}x 3" },
      { kind: "write", db: 0, argv: "MSET c 2" },
    ]);
  });

  it("keeps same-slot multi-key commands whole and emulates cross-slot stores and moves", () => {
    expect(planCommand(argv("SUNIONSTORE", "{t}d", "{t}a", "{t}b"), 0, clusterCtx())[0].kind).toBe("write");
    const e = planCommand(argv("ZUNIONSTORE", "d", 2, "a", "c", "WEIGHTS", 1, 2), 0, clusterCtx());
    expect(e).toMatchObject([{ kind: "emulate", how: "colocate", keys: [1, 3, 4] }]);
    expect(planCommand(argv("RENAME", "a", "c"), 0, clusterCtx())).toMatchObject([{ kind: "emulate", how: "move" }]);
    expect(planCommand(argv("RENAME", "a", "c"), 0, ctx())).toMatchObject([{ kind: "write" }]);
  });

  it("reports a script whose keys span slots instead of guessing", () => {
    const steps = planCommand(argv("EVAL", "return 1", 2, "a", "c"), 0, clusterCtx());
    expect(steps).toMatchObject([{ kind: "report", inexact: true }]);
    expect(planCommand(argv("EVAL", "return 1", 2, "{a}1", "{a}2"), 0, clusterCtx())).toMatchObject([{ kind: "write" }]);
    expect(planCommand(argv("EVAL", "return 1", 5, "a"), 0, clusterCtx())).toMatchObject([{ kind: "report" }]);
  });

  it("maps MOVE: a move inside the mapping, a delete when the key leaves it, a no-op when merged", () => {
    expect(text(planCommand(argv("MOVE", "k", 1), 0, ctx()))).toEqual([{ kind: "write", db: 0, argv: "MOVE k 1" }]);
    expect(text(planCommand(argv("MOVE", "k", 7), 0, ctx()))).toEqual([{ kind: "write", db: 0, argv: "DEL k" }]);
    expect(planCommand(argv("MOVE", "k", 1), 0, clusterCtx())).toEqual([]);
    expect(planCommand(argv("MOVE", "k", 0), 7, ctx())).toMatchObject([{ kind: "report" }]);
  });

  it("applies FLUSHDB/FLUSHALL to the mapped databases, or reports when databases are merged", () => {
    expect(planCommand(argv("FLUSHALL"), 0, ctx())).toMatchObject([
      { kind: "flush", db: 0, slots: null },
      { kind: "flush", db: 1, slots: null },
    ]);
    expect(planCommand(argv("FLUSHDB"), 1, clusterCtx())).toMatchObject([{ kind: "report" }]);
    // one master of a source cluster empties only its own slots; a master that owns all of them, everything
    const own: Array<[number, number]> = [[0, 5460]];
    expect(planCommand(argv("FLUSHALL", "ASYNC"), 0, clusterCtx({ merged: () => false, sourceSlots: own }))).toMatchObject([{ kind: "flush", db: 0, slots: own }]);
    expect(planCommand(argv("FLUSHDB"), 0, clusterCtx({ merged: () => false, sourceSlots: [[0, 16383]] }))).toMatchObject([{ kind: "flush", db: 0, slots: null }]);
    expect(planCommand(argv("FLUSHALL"), 0, ctx({ ignoreFlush: true }))).toMatchObject([{ kind: "skip" }]);
  });

  it("maps SWAPDB on a standalone destination and reports it on a cluster", () => {
    expect(text(planCommand(argv("SWAPDB", 0, 1), 0, ctx({ mapDb: (d) => (d <= 1 ? d + 2 : undefined) })))).toEqual([{ kind: "write", db: 2, argv: "SWAPDB 2 3" }]);
    expect(planCommand(argv("SWAPDB", 0, 1), 0, clusterCtx())).toMatchObject([{ kind: "report" }]);
  });

  it("maps the DB option of COPY and forwards PUBLISH, SCRIPT and FUNCTION", () => {
    expect(text(planCommand(argv("COPY", "a", "b", "DB", 1, "REPLACE"), 0, ctx({ mapDb: (d) => (d <= 1 ? d + 4 : undefined) })))).toEqual([
      { kind: "write", db: 4, argv: "COPY a b REPLACE DB 5" },
    ]);
    expect(planCommand(argv("PUBLISH", "ch", "m"), 0, ctx())).toMatchObject([{ kind: "write", key: null }]);
    expect(planCommand(argv("FUNCTION", "LOAD", "#!lua name=x"), 0, clusterCtx())).toMatchObject([{ kind: "broadcast" }]);
  });

  it("routes SORT … STORE and GEORADIUS … STORE/STOREDIST by all their keys: same slot whole, across slots colocated", () => {
    expect(calculateSlot("src")).not.toBe(calculateSlot("dst"));
    expect(planCommand(argv("SORT", "{x}src", "ALPHA", "STORE", "{x}dst"), 0, clusterCtx())).toMatchObject([{ kind: "write" }]);
    expect(planCommand(argv("SORT", "src", "LIMIT", 0, 5, "STORE", "dst"), 0, clusterCtx())).toMatchObject([{ kind: "emulate", how: "colocate", keys: [1, 6] }]);
    expect(planCommand(argv("SORT", "src", "BY", "nosort", "STORE", "dst"), 0, clusterCtx())).toMatchObject([{ kind: "emulate", keys: [1, 5] }]);
    // BY/GET patterns read keys of other slots: reported, never guessed
    expect(planCommand(argv("SORT", "src", "BY", "w_*", "STORE", "dst"), 0, clusterCtx())).toMatchObject([{ kind: "report", inexact: true }]);
    expect(planCommand(argv("SORT", "src"), 0, clusterCtx())).toMatchObject([{ kind: "write" }]);
    expect(planCommand(argv("GEORADIUS", "src", 0, 0, 5, "km", "STORE", "dst"), 0, clusterCtx())).toMatchObject([{ kind: "emulate", keys: [1, 7] }]);
    expect(planCommand(argv("GEORADIUSBYMEMBER", "src", "m", 5, "km", "STOREDIST", "dst"), 0, clusterCtx())).toMatchObject([{ kind: "emulate", keys: [1, 6] }]);
    expect(planCommand(argv("GEORADIUS", "src", 0, 0, 5, "km", "STORE", "{src}d"), 0, clusterCtx())).toMatchObject([{ kind: "write" }]);
  });

  it("routes commands outside the table by the key specs the server reported (captured from redis 7.0)", () => {
    const learned = new CommandKeys(parseCommandTable(redis70.rows), null, true);
    const c = clusterCtx({ learned });
    // one key: written on its node
    expect(planCommand(argv("DTSTYPE.SET", "k", "v"), 0, c)).toMatchObject([{ kind: "write", key: Buffer.from("k") }]);
    // MERGE: dst is written, the sources only read (key-spec flags): colocated next to dst
    expect(planCommand(argv("DTSTYPE.MERGE", "{t}d", 2, "{t}a", "{t}b"), 0, c)).toMatchObject([{ kind: "write", key: Buffer.from("{t}d") }]);
    expect(planCommand(argv("DTSTYPE.MERGE", "dst", 2, "src", "a"), 0, c)).toMatchObject([{ kind: "emulate", how: "colocate", keys: [1, 3, 4], layout: { dest: 1, inputs: [3, 4] } }]);
    // FILL's keys only the server knows; with no server to ask, a cluster cannot route it
    expect(planCommand(argv("DTSTYPE.FILL", "v", "a", "b"), 0, c)).toMatchObject([{ kind: "report", inexact: true }]);
    expect(planCommand(argv("DTSTYPE.FILL", "v", "a", "b"), 0, ctx({ learned }))).toMatchObject([{ kind: "write", key: null }]);
  });
});

describe("planCommand under a key filter", () => {
  const filter = new KeyFilter({ include: ["in:*"], exclude: ["*:skip"] });
  const f = (over: Partial<PlanContext> = {}) => ctx({ filter, ...over });

  it("drops commands of excluded keys and keeps those of included keys", () => {
    expect(planCommand(argv("SET", "out:1", "v"), 0, f())).toEqual([]);
    expect(planCommand(argv("SET", "in:1:skip", "v"), 0, f())).toEqual([]);
    expect(text(planCommand(argv("SET", "in:1", "v"), 0, f()))).toEqual([{ kind: "write", db: 0, argv: "SET in:1 v" }]);
  });

  it("splits DEL and MSETNX to the included keys, then by slot on a cluster destination", () => {
    const steps = text(planCommand(argv("DEL", "in:a", "out:b", "in:c"), 0, f({ cluster: true, mapDb: () => 0 })));
    expect(steps.map((s) => s.argv).sort()).toEqual(["DEL in:a", "DEL in:c"]);
    expect(text(planCommand(argv("MSETNX", "out:a", 1, "in:b", 2), 0, f()))).toEqual([{ kind: "write", db: 0, argv: "MSET in:b 2" }]);
  });

  it("reports commands that tie included keys to excluded ones, SWAPDB, and commands whose keys are unknown", () => {
    for (const cmd of [argv("RENAME", "in:a", "out:a"), argv("SMOVE", "out:s", "in:s", "m"), argv("SUNIONSTORE", "in:u", "out:a", "in:b"), argv("SWAPDB", 0, 1), argv("SOMEMODULE.CMD", "in:a")]) {
      const steps = planCommand(cmd, 0, f());
      expect(steps.map((s) => s.kind), cmd.join(" ")).toEqual(["report"]);
    }
  });

  it("never filters out the product's own keys", () => {
    expect(text(planCommand(argv("SET", "DTS_REDIS_TIMESTAMP_HEARTBEAT:t:{1}", 1), 0, f()))).toEqual([{ kind: "write", db: 0, argv: "SET DTS_REDIS_TIMESTAMP_HEARTBEAT:t:{1} 1" }]);
  });

  it("empties only included keys on FLUSHALL (the apply stage scans for them: the flush step is the same)", () => {
    expect(planCommand(argv("FLUSHALL"), 0, f()).map((s) => s.kind)).toEqual(["flush", "flush"]);
  });
});
