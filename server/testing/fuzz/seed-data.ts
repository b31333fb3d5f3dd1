import { Prng } from "./prng";
import { Keyspace, type KeyKind } from "./keyspace";
import { resolveArg, type Arg, type Op } from "./op";
import type { FuzzProfile } from "./profiles";
import { libraryCode } from "./ops-scripts";
import type { SideLink } from "./side-link";

/**
 * The data a round starts from, written before the sync starts (what the full synchronization copies):
 * every pool key of every kind in every database the workload uses, streams with groups and pending
 * entries, some TTLs, the first function libraries, and filler keys so the full sync lasts long
 * enough for the workload to run during it. Deterministic for a seed.
 */

export interface SeedOptions {
  /** filler keys (small strings and hashes) on top of the pools */
  filler: number;
  /** a few collections of thousands of elements */
  big?: boolean;
  /** values above the loader's 8 MB RESTORE limit (typed loading) */
  huge?: boolean;
}

type SeedOp = Extract<Op, { t: "cmd" } | { t: "masters" }>;

export function seedOps(seed: number | string, profile: FuzzProfile, o: SeedOptions): SeedOp[] {
  const r = new Prng(`fuzz:${seed}:${profile.name}`).fork("seed");
  const ks = new Keyspace(profile);
  const out: SeedOp[] = [];
  const cmd = (db: number, key: Buffer | null, ...argv: Arg[]) => out.push({ t: "cmd", id: `S#${out.length}`, db, key, argv });
  const text = () => `s${r.u32().toString(36)}`;
  const kinds: KeyKind[] = ["str", "num", "flt", "bit", "lst", "hsh", "set", "zst", "geo", "hll", "stm", ...(profile.switches.moduleTypes ? (["mod"] as const) : [])];
  const dbs = profile.switches.moveFromUnselected && profile.unselectedDb !== undefined ? [...profile.dbs, profile.unselectedDb] : profile.dbs;
  for (const db of dbs) {
    for (const kind of kinds) {
      for (const k of ks.all(kind, db)) {
        if (r.chance(0.15)) continue; // some pool keys start absent
        seedKey(r, cmd, db, kind, k, text);
        if (kind !== "stm" && r.chance(0.2)) cmd(db, k, "PEXPIRE", k, r.range(3_600_000, 86_400_000));
      }
    }
  }
  const tags = ks.clusterSource ? ks.tags : [null];
  for (let i = 0; i < o.filler; i++) {
    const tag = r.pick(tags);
    const k = Buffer.from(`fill:${tag === null ? "" : `{${tag}}`}${i}`);
    if (i % 5 === 4) cmd(0, k, "HSET", k, "a", text(), "b", text(), "c", i);
    else cmd(0, k, "SET", k, `${text()}${"f".repeat(i % 64)}`);
  }
  if (o.big) seedBig(cmd, tags[0], r);
  if (o.huge) seedHuge(cmd, tags[tags.length - 1]);
  seedFunctions(profile, ks, out);
  return out;
}

function seedKey(r: Prng, cmd: (db: number, key: Buffer | null, ...argv: Arg[]) => void, db: number, kind: KeyKind, k: Buffer, text: () => string): void {
  const n = r.range(1, 10);
  const many = <T>(f: (i: number) => T[]) => Array.from({ length: n }, (_, i) => f(i)).flat();
  switch (kind) {
    case "str": return cmd(db, k, "SET", k, r.chance(0.1) ? Buffer.from([0, 1, 2, 255, r.int(256)]) : text());
    case "num": return cmd(db, k, "SET", k, r.range(-1000, 1000));
    case "flt": return cmd(db, k, "SET", k, r.pick(["1.5", "0.1", "-3", "2e3"]));
    case "bit": return cmd(db, k, "SETBIT", k, r.range(0, 500), 1);
    case "lst": return cmd(db, k, "RPUSH", k, ...many(() => [`e${r.int(20)}`]));
    case "hsh": return cmd(db, k, "HSET", k, ...many((i) => [`f${i}`, text()]), "n0", r.range(0, 9), "x0", "0.5");
    case "set": return cmd(db, k, "SADD", k, ...many(() => [`m${r.int(30)}`]));
    case "zst": return cmd(db, k, "ZADD", k, ...many(() => [r.range(-20, 20), `z${r.int(25)}`]));
    case "geo": return cmd(db, k, "GEOADD", k, ...many(() => [(13 + r.float() * 3).toFixed(5), (37 + r.float() * 2).toFixed(5), `p${r.int(15)}`]));
    case "hll": return cmd(db, k, "PFADD", k, ...many(() => [`h${r.int(500)}`]));
    case "mod": return cmd(db, k, "DTSTYPE.SET", k, text());
    case "stm": {
      for (let i = 0; i < n; i++) cmd(db, k, "XADD", k, "*", "f", text());
      cmd(db, k, "XGROUP", "CREATE", k, "g0", "0");
      if (r.chance(0.5)) cmd(db, k, "XGROUP", "CREATE", k, "g1", "$");
      cmd(db, k, "XREADGROUP", "GROUP", "g0", r.pick(["alice", "bob"]), "COUNT", r.range(1, 3), "STREAMS", k, ">");
      return;
    }
    case "eph": return;
  }
}

function seedBig(cmd: (db: number, key: Buffer | null, ...argv: Arg[]) => void, tag: string | null, r: Prng): void {
  const name = (s: string) => Buffer.from(`big:${tag === null ? "" : `{${tag}}`}${s}`);
  const [l, h, z, x] = [name("lst"), name("hsh"), name("zst"), name("stm")];
  for (let i = 0; i < 20; i++) cmd(0, l, "RPUSH", l, ...Array.from({ length: 1000 }, (_, j) => `e${i * 1000 + j}`));
  for (let i = 0; i < 5; i++) cmd(0, h, "HSET", h, ...Array.from({ length: 1000 }, (_, j) => [`f${i * 1000 + j}`, `v${r.u32()}`]).flat());
  for (let i = 0; i < 5; i++) cmd(0, z, "ZADD", z, ...Array.from({ length: 1000 }, (_, j) => [r.range(-1e6, 1e6), `z${i * 1000 + j}`]).flat());
  for (let i = 0; i < 2000; i++) cmd(0, x, "XADD", x, "*", "i", i);
  cmd(0, x, "XGROUP", "CREATE", x, "big", "0");
  cmd(0, x, "XREADGROUP", "GROUP", "big", "eve", "COUNT", 500, "STREAMS", x, ">");
}

/** a 9 MB string and a 9 MB list: above the loader's RESTORE limit, so they load as typed commands */
function seedHuge(cmd: (db: number, key: Buffer | null, ...argv: Arg[]) => void, tag: string | null): void {
  const name = (s: string) => Buffer.from(`huge:${tag === null ? "" : `{${tag}}`}${s}`);
  cmd(0, name("str"), "SET", name("str"), Buffer.alloc(9 * 1024 * 1024, 0x61));
  for (let i = 0; i < 9; i++) cmd(0, name("lst"), "RPUSH", name("lst"), ...Array.from({ length: 128 }, (_, j) => `${i}-${j}-${"L".repeat(8192)}`));
}

/** the first libraries: two per scope of loading (the third appears during the workload) */
function seedFunctions(profile: FuzzProfile, ks: Keyspace, out: SeedOp[]): void {
  const load = (master: number | "each", lib: string) => out.push({ t: "masters", id: `S#${out.length}`, db: 0, master, argv: ["FUNCTION", "LOAD", libraryCode(lib, 0)] });
  if (profile.source.mode !== "cluster") for (const i of [0, 1]) load(0, `fzlib${i}`);
  else {
    if (profile.switches.functionsEveryMaster) for (const i of [0, 1]) load("each", `fzlib${i}`);
    ks.tagsByMaster.forEach((_, m) => [0, 1].forEach((i) => load(m, `fzm${m}l${i}`)));
  }
}

/** Writes the seed through pipelines, per master and database (fast: no round trip per key). */
export async function writeSeed(link: SideLink, ops: SeedOp[]): Promise<void> {
  const SEED_CONN = 1000;
  const now = Date.now();
  const groups = new Map<string, { m: number; db: number; ops: SeedOp[] }>();
  for (const op of ops) {
    if (op.t === "masters") {
      const targets = op.master === "each" ? link.masters.map((_, i) => i) : [op.master];
      for (const m of targets) {
        const c = await link.conn(SEED_CONN, m, op.db);
        await c.callBuffer(String(op.argv[0]), ...op.argv.slice(1).map((a) => resolveArg(a, now)));
      }
      continue;
    }
    const m = link.masterOf(op.key);
    const id = `${m}/${op.db}`;
    const g = groups.get(id) ?? { m, db: op.db, ops: [] };
    g.ops.push(op);
    groups.set(id, g);
  }
  for (const g of groups.values()) {
    const c = await link.conn(SEED_CONN, g.m, g.db);
    for (let i = 0; i < g.ops.length; i += 500) {
      const p = c.pipeline();
      for (const op of g.ops.slice(i, i + 500)) p.callBuffer(String(op.argv[0]), ...op.argv.slice(1).map((a) => resolveArg(a, now)));
      const replies = (await p.exec()) ?? [];
      const failed = replies.find(([err]) => err);
      if (failed) throw new Error(`seeding failed: ${failed[0]!.message}`);
    }
  }
}
