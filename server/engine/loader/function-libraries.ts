import type { Cluster, Redis } from "ioredis";

/**
 * The Functions libraries of one task's destination, shared by its shards. Functions live per node,
 * so operators load the same library on every master of a source cluster: each master's RDB and
 * stream then carry the same FUNCTION LOAD, DELETE and FLUSH. The destination holds the union: a
 * library is there while at least one source master holds it (its "holders"), with the code most
 * recently loaded. So:
 * - the same library from another master is loaded once;
 * - FUNCTION DELETE or FLUSH on one master removes a library from the destination only when no
 *   other master still holds it;
 * - a different library under a name only the destination had (not from any source master) is a
 *   conflict; masters that disagree on a library's code are followed (last load wins) while their
 *   streams catch up, and reported when they still disagree once every stream is caught up.
 */

/** `#!lua name=mylib` → "mylib" (null when the code has no valid shebang: the server refuses it too) */
export function libraryName(code: Buffer): string | null {
  const end = code.indexOf(10);
  const first = code.subarray(0, end === -1 ? Math.min(code.length, 512) : Math.min(end, 512)).toString("utf8");
  if (!first.startsWith("#!")) return null;
  const m = /(?:^|\s)name=(\S+)/.exec(first.slice(2));
  return m ? m[1] : null;
}

/** What a FUNCTION command of one master means for the destination. */
export type LibraryOutcome =
  /** commands to send to every destination master (none: nothing to do) */
  | { kind: "send"; commands: Buffer[][] }
  /** a different library of that name, which no source master holds, is on the destination */
  | { kind: "conflict"; name: string };

interface Library {
  /** the destination has a library of this name */
  present: boolean;
  /** its code there; null when not known (destination masters disagree: treated as different) */
  code: Buffer | null;
  /** source master → the code it holds */
  holders: Map<string, Buffer>;
}

const B = (s: string) => Buffer.from(s);
const LOAD = B("FUNCTION");

type Node = Pick<Redis, "callBuffer">;

async function listLibraries(node: Node): Promise<Map<string, Buffer | null>> {
  const out = new Map<string, Buffer | null>();
  const reply = (await node.callBuffer("FUNCTION", "LIST", "WITHCODE")) as unknown[];
  for (const lib of reply ?? []) {
    const fields = lib as unknown[];
    let name: string | null = null;
    let code: Buffer | null = null;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const field = String(fields[i]);
      if (field === "library_name") name = String(fields[i + 1]);
      else if (field === "library_code") code = fields[i + 1] as Buffer;
    }
    if (name !== null) out.set(name, code);
  }
  return out;
}

export class FunctionLibraries {
  private readonly libs = new Map<string, Library>();
  /**
   * every library on the destination came from a source master (Pre-check and Intercept: it held
   * none of its own), so one that no master holds any more is left over from them
   */
  ownedBySources = false;
  /** false until read, and again after FUNCTION RESTORE replaced a set wholesale */
  private known = false;
  /** libraries whose holders disagreed at the last caught-up check */
  private disagreedBefore = new Set<string>();

  /** Reads what the destination holds (every master) and, when given, what each source master holds. */
  async read(control: Redis | Cluster, sources: Array<{ shard: string; node: Node }> = []): Promise<void> {
    this.libs.clear();
    const cluster = "nodes" in control;
    if (cluster && control.status !== "ready") await new Promise((r) => control.once("ready", r));
    const nodes: Redis[] = cluster ? (control as Cluster).nodes("master") : [control as Redis];
    try {
      for (const node of nodes) {
        for (const [name, code] of await listLibraries(node)) {
          const seen = this.libs.get(name);
          // two destination masters with different code under one name: no code matches every node
          if (!seen) this.libs.set(name, { present: true, code, holders: new Map() });
          else if (!(seen.code && code && seen.code.equals(code))) seen.code = null;
        }
      }
      for (const s of sources) {
        for (const [name, code] of await listLibraries(s.node)) {
          if (code === null) continue;
          const lib = this.libs.get(name) ?? { present: false, code: null, holders: new Map() };
          lib.holders.set(s.shard, code);
          if (!this.libs.has(name)) this.libs.set(name, lib);
        }
      }
      this.known = true;
    } catch (err) {
      // no FUNCTION command (before 7.0): nothing to compare against, loads go through as they are
      if ((err as Error)?.name !== "ReplyError") throw err;
      this.known = true;
    }
  }

  /** The operations of one source master. */
  forShard(shard: string): ShardLibraries {
    return new ShardLibraries(this, shard);
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** runs `fn` after every earlier call has finished: see sync/apply-functions.ts */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** @internal */ lib(name: string): Library | undefined {
    return this.libs.get(name);
  }
  /** @internal */ set(name: string, lib: Library): void {
    this.libs.set(name, lib);
  }
  /** @internal */ remove(name: string): void {
    this.libs.delete(name);
  }
  /** @internal */ entries(): IterableIterator<[string, Library]> {
    return this.libs.entries();
  }
  get isKnown(): boolean {
    return this.known;
  }
  forget(): void {
    this.libs.clear();
    this.known = false;
  }

  /**
   * Libraries whose source masters held different code at this check and at the previous one
   * (called when every stream is caught up): their names, each once.
   */
  settledDisagreements(): Array<{ name: string; holders: string[] }> {
    const now = new Set<string>();
    const out: Array<{ name: string; holders: string[] }> = [];
    for (const [name, lib] of this.libs) {
      const codes = [...lib.holders.values()];
      if (codes.some((c) => !c.equals(codes[0]))) {
        now.add(name);
        if (this.disagreedBefore.has(name)) out.push({ name, holders: [...lib.holders.keys()] });
      }
    }
    // reported once: a name stays out of the next round until its masters agree again
    for (const o of out) now.delete(o.name);
    this.disagreedBefore = now;
    return out;
  }
}

export class ShardLibraries {
  constructor(
    private readonly all: FunctionLibraries,
    readonly shard: string,
  ) {}

  /**
   * FUNCTION LOAD [REPLACE] from this master (or its RDB). `replaying`: sent again after a crash, the
   * destination may hold what came after it. `force`: overwrite (an "Ignore" full synchronization).
   */
  load(code: Buffer, o: { replace: boolean; replaying?: boolean; force?: boolean }): LibraryOutcome {
    const name = libraryName(code);
    const plain = [LOAD, B("LOAD"), code];
    const replace = [LOAD, B("LOAD"), B("REPLACE"), code];
    if (!this.all.isKnown || name === null) return { kind: "send", commands: [o.replace || o.force ? replace : plain] };
    const lib = this.all.lib(name);
    if (!lib || !lib.present) {
      const holders = lib?.holders ?? new Map<string, Buffer>();
      holders.set(this.shard, Buffer.from(code));
      this.all.set(name, { present: true, code: Buffer.from(code), holders });
      return { kind: "send", commands: [o.replace || o.force ? replace : plain] };
    }
    const othersHold = [...lib.holders.keys()].some((s) => s !== this.shard);
    lib.holders.set(this.shard, Buffer.from(code));
    if (lib.code && lib.code.equals(code)) return { kind: "send", commands: [] };
    // a replay after a crash may send an older load again, or one that never ran: REPLACE makes the
    // sequence converge to what the stream ends with, whatever of it ran before
    if (o.replaying) {
      lib.code = Buffer.from(code);
      return { kind: "send", commands: [replace] };
    }
    if (!o.replace && !o.force && !othersHold) {
      lib.holders.delete(this.shard);
      return { kind: "conflict", name };
    }
    lib.code = Buffer.from(code);
    return { kind: "send", commands: [replace] };
  }

  /** FUNCTION DELETE from this master: the destination keeps it while another master holds it. */
  delete(name: string): Buffer[][] {
    if (!this.all.isKnown) return [[LOAD, B("DELETE"), B(name)]];
    const lib = this.all.lib(name);
    if (!lib) return [];
    lib.holders.delete(this.shard);
    return this.settle(name, lib);
  }

  /**
   * FUNCTION FLUSH from this master, or its full synchronization starting over: all it held goes.
   * `replaying` (after a restart): the holders were read from the masters as they are now, ahead of
   * the replay; a library on the destination that no master holds now was held then by a master
   * whose stream drops it in the replay, this FLUSH perhaps: it goes too when the destination
   * had no libraries of its own.
   */
  flush(o: { replaying?: boolean } = {}): Buffer[][] {
    if (!this.all.isKnown) return [[LOAD, B("FLUSH")]];
    const out: Buffer[][] = [];
    for (const [name, lib] of [...this.all.entries()]) {
      if (!lib.holders.delete(this.shard)) {
        if (o.replaying && this.all.ownedBySources && lib.present && lib.holders.size === 0) out.push(...this.settle(name, lib));
        continue;
      }
      out.push(...this.settle(name, lib));
    }
    return out;
  }

  /**
   * A full synchronization of this master starts over: what it held goes (its RDB loads what it holds
   * now). With `ownedBySources` (Pre-check and Intercept: the destination held no data of its own),
   * libraries no source master holds go as well: an earlier attempt loaded them.
   */
  restart(ownedBySources: boolean): Buffer[][] {
    const out = this.flush();
    if (!ownedBySources || !this.all.isKnown) return out;
    for (const [name, lib] of [...this.all.entries()]) {
      if (lib.holders.size > 0 || !lib.present) continue;
      this.all.remove(name);
      out.push([LOAD, B("DELETE"), B(name)]);
    }
    return out;
  }

  /** the destination after a holder left: gone when nobody holds it, else the code of the last holder */
  private settle(name: string, lib: Library): Buffer[][] {
    if (lib.holders.size === 0) {
      this.all.remove(name);
      return lib.present ? [[LOAD, B("DELETE"), B(name)]] : [];
    }
    const last = [...lib.holders.values()].pop()!;
    if (lib.present && lib.code && lib.code.equals(last)) return [];
    const was = lib.present;
    lib.present = true;
    lib.code = Buffer.from(last);
    return [was ? [LOAD, B("LOAD"), B("REPLACE"), last] : [LOAD, B("LOAD"), last]];
  }

  /** one at a time for the whole task (FunctionLibraries.serial) */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.all.serial(fn);
  }

  /** FUNCTION RESTORE: the set is whatever the payload held; nothing is skipped until read again */
  restore(): void {
    this.all.forget();
  }
}
