import { describe, expect, it } from "vitest";
import { MigrationLedger } from "./migration-ledger";

const k = (s: string) => Buffer.from(s);

/** a DEL's acknowledgement the test resolves by hand */
function ack() {
  let done!: () => void;
  const p = new Promise<void>((r) => (done = r));
  return { acked: () => p, done };
}

async function settled<T>(p: Promise<T>): Promise<T | "pending"> {
  return Promise.race([p, new Promise<"pending">((r) => setTimeout(() => r("pending"), 20))]);
}

describe("MigrationLedger: pairing the halves of a key moved by MIGRATE", () => {
  it("import first: the exporter's DEL is left out and the RESTORE waits for the exporter's earlier writes", async () => {
    const l = new MigrationLedger();
    const restore = l.noteImport("B", 0, k("x"));
    expect(await settled(restore)).toBe("pending");
    const a = ack();
    expect(l.filterDelete("A", 0, [k("y"), k("x")], a.acked)).toEqual(new Set([1]));
    expect(await settled(restore)).toBe("pending");
    a.done();
    expect(await restore).toBe("paired");
  });

  it("DEL first: the DEL is applied and the RESTORE waits for its acknowledgement", async () => {
    const l = new MigrationLedger();
    const a = ack();
    expect(l.filterDelete("A", 0, [k("x")], a.acked)).toBeNull();
    const restore = l.noteImport("B", 0, k("x"));
    expect(await settled(restore)).toBe("pending");
    a.done();
    expect(await restore).toBe("paired");
    // nothing lingers: a later ordinary DEL on B is applied
    expect(l.filterDelete("C", 0, [k("x")], ack().acked)).toBeNull();
  });

  it("a key moved twice while the first exporter lags: each DEL pairs with one import", async () => {
    const l = new MigrationLedger();
    const toB = l.noteImport("B", 0, k("x"));
    const bDel = ack();
    // C imports from B before A's DEL of the first move was even read
    const toC = l.noteImport("C", 0, k("x"));
    expect(l.filterDelete("B", 0, [k("x")], bDel.acked)).toEqual(new Set([0]));
    const aDel = ack();
    expect(l.filterDelete("A", 0, [k("x")], aDel.acked)).toEqual(new Set([0]));
    aDel.done();
    bDel.done();
    expect(await toB).toBe("paired");
    expect(await toC).toBe("paired");
  });

  it("an ordinary DEL followed by a write of the key on the same master does not stand in for a later move", async () => {
    const l = new MigrationLedger();
    const old = ack();
    old.done();
    l.filterDelete("A", 0, [k("x")], old.acked);
    l.noteWrite(0, k("x"));
    expect(l.tracksDeletes).toBe(false);
    const restore = l.noteImport("B", 0, k("x"));
    expect(await settled(restore)).toBe("pending");
    expect(l.filterDelete("A", 0, [k("x")], ack().acked)).toEqual(new Set([0]));
  });

  it("an ordinary DEL on A, the key then written on B (slot moved without it) and migrated B → C: C's RESTORE waits for B's DEL", async () => {
    const l = new MigrationLedger();
    const old = ack();
    old.done();
    l.filterDelete("A", 0, [k("x")], old.acked);
    l.noteWrite(0, k("x"));
    const restore = l.noteImport("C", 0, k("x"));
    // A's long acknowledged DEL must not let the RESTORE go: B's DEL is still to come
    expect(await settled(restore)).toBe("pending");
    const bDel = ack();
    expect(l.filterDelete("B", 0, [k("x")], bDel.acked)).toEqual(new Set([0]));
    bDel.done();
    expect(await restore).toBe("paired");
  });

  it("of several DELs of the exporter, the newest pairs (older ones were ordinary)", async () => {
    const l = new MigrationLedger();
    const first = ack();
    first.done();
    const second = ack();
    l.filterDelete("A", 0, [k("x")], first.acked);
    l.filterDelete("A", 0, [k("x")], second.acked);
    const restore = l.noteImport("B", 0, k("x"));
    expect(await settled(restore)).toBe("pending");
    second.done();
    expect(await restore).toBe("paired");
    expect(l.tracksDeletes).toBe(false);
  });

  it("an import whose DEL never comes (MIGRATE … COPY) goes alone after the pairing window, and still skips a late DEL", async () => {
    const l = new MigrationLedger({ pairWithinMs: 30 });
    expect(await l.noteImport("B", 0, k("x"))).toBe("alone");
    expect(l.counts.alone).toBe(1);
    expect(l.filterDelete("A", 0, [k("x")], ack().acked)).toEqual(new Set([0]));
  });

  it("a master's own DEL of a key it imported is applied; databases are apart; marks stay bounded", async () => {
    const l = new MigrationLedger({ maxMarks: 100, pairWithinMs: 10 });
    void l.noteImport("B", 0, k("x"));
    expect(l.filterDelete("B", 0, [k("x")], ack().acked)).toBeNull();
    expect(l.filterDelete("A", 1, [k("x")], ack().acked)).toBeNull();
    for (let i = 0; i < 10_000; i++) l.filterDelete("A", 0, [k(`d${i}`)], ack().acked);
    expect((l as unknown as { marks: number }).marks).toBeLessThanOrEqual(101);
  });
});
