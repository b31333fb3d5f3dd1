import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { waitFor } from "../redis-harness";
import { resolveArg, type Arg, type Op } from "./op";
import type { SideLink } from "./side-link";

/**
 * Runs generated ops against the source. Each workload connection runs its own list in order; the
 * lists run concurrently, so their interleaving varies while each list stays the same for a seed.
 * Reply errors (WRONGTYPE, a missing library…) are part of a random workload and only counted: the
 * source replicates only what it applied. A lost connection is not: it ends the run.
 */

export interface ExecStats {
  ops: number;
  /** reply errors by their first word */
  errors: Record<string, number>;
  /** reply errors by their message's first words (what the generator could do better) */
  messages: Record<string, number>;
  /** PUBLISH messages the source accepted: channel → messages */
  published: Map<string, string[]>;
}

export function newStats(): ExecStats {
  return { ops: 0, errors: {}, messages: {}, published: new Map() };
}

type Sendable = string | number | Buffer;
const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

export class Executor {
  /** ops finished by all connections (the soak watches it to kill the engine at a chosen point) */
  done = 0;
  private stopped = false;

  constructor(private readonly link: SideLink, readonly stats: ExecStats = newStats()) {}

  /** Runs every connection's ops concurrently; resolves when all are done or stop() was called. */
  async run(perConnection: Op[][]): Promise<void> {
    await Promise.all(perConnection.map((ops, conn) => this.runList(conn, ops)));
  }

  stop(): void {
    this.stopped = true;
  }

  private async runList(conn: number, ops: Op[]): Promise<void> {
    for (const op of ops) {
      if (this.stopped) return;
      try {
        await this.runOp(conn, op);
      } catch (err) {
        if (!isReplyError(err)) throw new Error(`op ${op.id} failed: ${(err as Error).message}`, { cause: err });
        this.countError(err as Error);
      }
      this.stats.ops++;
      this.done++;
    }
  }

  private countError(err: Error): void {
    const word = err.message.split(/\s/)[0] || "ERR";
    this.stats.errors[word] = (this.stats.errors[word] ?? 0) + 1;
    const text = err.message.slice(0, 60);
    this.stats.messages[text] = (this.stats.messages[text] ?? 0) + 1;
  }

  private async runOp(conn: number, op: Op): Promise<void> {
    const now = Date.now();
    const argv = (a: Arg[]) => a.map((x) => resolveArg(x, now)) as Sendable[];
    switch (op.t) {
      case "cmd": {
        const c = await this.link.conn(conn, this.link.masterOf(op.key), op.db);
        await send(c, argv(op.argv));
        return;
      }
      case "publish": {
        const c = await this.link.conn(conn, 0, op.db);
        await c.call("PUBLISH", op.channel, op.message);
        this.recordPublish(op.channel, op.message);
        return;
      }
      case "tx":
        return this.runTx(conn, op, now);
      case "evalsha": {
        const m = this.link.masterOf(op.key);
        const c = await this.link.conn(conn, m, op.db);
        const call = () => c.callBuffer("EVALSHA", sha1(op.script), op.keys.length, ...op.keys, ...argv(op.args));
        try {
          await call();
        } catch (err) {
          if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
          await c.call("SCRIPT", "LOAD", op.script);
          await call();
        }
        return;
      }
      case "masters": {
        const targets = op.master === "each" ? this.link.masters.map((_, i) => i) : [op.master % this.link.masters.length];
        for (const m of targets) {
          const c = await this.link.conn(conn, m, op.db);
          try {
            await send(c, argv(op.argv));
          } catch (err) {
            if (!isReplyError(err)) throw err;
            this.countError(err as Error); // one master's refusal does not skip the others
          }
        }
        return;
      }
      case "restore": {
        const c = await this.link.conn(conn, this.link.masterOf(op.key), op.db);
        const payload = (await c.callBuffer("DUMP", op.from)) as Buffer | null;
        if (payload === null) return;
        await c.callBuffer("RESTORE", op.to, resolveArg(op.ttl, now), payload, ...argv(op.options));
        return;
      }
      case "block":
        return this.runBlock(conn, op as Extract<Op, { t: "block" }>, now);
    }
  }

  private async runTx(conn: number, op: Extract<Op, { t: "tx" }>, now: number): Promise<void> {
    const m = this.link.masterOf(op.key);
    const c = await this.link.conn(conn, m, op.db);
    const multi = c.multi();
    let db = op.db;
    for (const cmd of op.cmds) {
      if (cmd.select !== undefined) {
        multi.call("SELECT", cmd.select);
        db = cmd.select;
      }
      multi.call(...(cmd.argv.map((a) => resolveArg(a, now)) as [string, ...Sendable[]]));
    }
    if (op.discard) {
      multi.discard();
      await multi.exec().catch(() => null);
      return;
    }
    let replies: Array<[Error | null, unknown]> | null;
    try {
      replies = await multi.exec();
    } catch (err) {
      if (!(err instanceof Error) || !/^EXECABORT/.test(err.message)) throw err;
      this.countError(err);
      return;
    }
    this.link.selected(conn, m, db);
    // each command's own error counts, and the PUBLISH that ran are recorded
    let at = 0;
    for (const cmd of op.cmds) {
      if (cmd.select !== undefined) at++;
      const [err] = replies?.[at++] ?? [null];
      if (err) this.countError(err);
      else if (String(cmd.argv[0]).toUpperCase() === "PUBLISH") this.recordPublish(String(cmd.argv[1]), String(cmd.argv[2]));
    }
  }

  private async runBlock(conn: number, op: Extract<Op, { t: "block" }>, now: number): Promise<void> {
    const m = this.link.masterOf(op.key);
    const c = await this.link.conn(conn, m, op.db);
    for (const pre of op.pre) await send(c, pre.map((a) => resolveArg(a, now)));
    const blocker = await this.link.conn(conn, m, op.db, "block");
    let settled = false;
    const blocked = send(blocker, op.block.map((a) => resolveArg(a, now))).finally(() => (settled = true));
    blocked.catch(() => {});
    if (op.serve.length > 0) {
      // another connection's FLUSHALL or SWAPDB may take the key away first: then it answers at once
      await waitFor(async () => settled || (await this.link.isBlocked(conn, m)), 10_000, `op ${op.id} to block`, 2);
      if (!settled) for (const serve of op.serve) await send(c, serve.map((a) => resolveArg(a, now)));
    }
    await blocked;
  }

  private recordPublish(channel: string, message: string): void {
    const list = this.stats.published.get(channel) ?? [];
    list.push(message);
    this.stats.published.set(channel, list);
  }
}

function send(c: Redis, argv: Sendable[]): Promise<unknown> {
  return c.callBuffer(String(argv[0]), ...argv.slice(1));
}

/** an error the server answered (as opposed to a connection that broke) */
function isReplyError(err: unknown): boolean {
  return err instanceof Error && err.name === "ReplyError";
}
