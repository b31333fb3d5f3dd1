import { createHash } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import type { ApplyTarget } from "./apply-target";
import { planCommand, type PlanContext, type Step } from "./plan-command";
import { commandName } from "./command-spec";
import { emulate } from "./emulate";
import { isReplaySafe } from "./replay-safe";
import { covers, fenceable, type FenceId, type Fences, type FenceView } from "./fence";
import { WRITE_REPLAY_SAFE } from "../writer/types";

/** One command of the replication stream, as the source reader hands it over. */
export interface CommandEntry {
  argv: Buffer[];
  db: number;
  /** replication offsets of this command's first byte and just after its last */
  start: number;
  end: number;
  receivedAt: number;
  /** the command's RESP bytes as received, when whole (see ReplicatedCommand.raw) */
  raw?: Buffer;
}

export interface ApplyEvents {
  /** something was not applied exactly; returns true when the task must stop (policy "fail") */
  inexact(message: string, keys: Buffer[]): boolean;
  info(message: string): void;
  /**
   * every write of the command ending at `offset` is queued (or it needed none): once the writer has
   * acknowledged everything queued, the destination reflects the stream up to `offset`
   */
  done(offset: number): void;
}

export type ApplyContext = Omit<PlanContext, "receivedAt">;

/** Exactly-once writing (see fence.ts); without it, replay-safe writes are marked for the writer to resend. */
export interface ApplyFence {
  fences: Fences;
  /** a replay after a restart: the writes that ran already (null: none, or the replay is over) */
  replay: FenceView | null;
}

/** a planned write with its id (fencing only): `offset` of its source command, `sub` its index among that command's writes */
type Planned = Step & Partial<FenceId>;

/** Transactions bigger than this are applied in order without MULTI instead of buffered without bound. */
const MAX_TX_COMMANDS = 10_000;
const b = (s: string) => Buffer.from(s);

/**
 * Writes are tagged with the START offset of their command (of MULTI for a transaction), so the
 * writer's watermark — the lowest tag not yet acknowledged — is exactly the offset up to which the
 * destination reflects the stream.
 *
 * Applies the command stream to the destination: plans each command, keeps MULTI/EXEC atomic when its
 * writes land on one node, resolves EVALSHA through the scripts seen in the stream, and runs the
 * cross-slot emulations. apply() returns a promise only when the caller must wait (emulation, a full
 * writer), so the hot path allocates no promise per command.
 */
export class Applier {
  private tx: CommandEntry[] | null = null;
  private txStart = 0;
  private scripts = new Map<string, Buffer>();
  private stopped = false;
  /** one mutable context: its receive time changes per command (no object per command) */
  private readonly ctx: PlanContext;

  constructor(
    private readonly out: ApplyTarget,
    ctx: ApplyContext,
    private readonly events: ApplyEvents,
    private readonly control: () => Redis | Cluster,
    private readonly tmpPrefix: string,
    private readonly fence: ApplyFence | null = null,
  ) {
    this.ctx = { ...ctx, receivedAt: 0 };
  }

  get failed(): boolean {
    return this.stopped;
  }

  apply(e: CommandEntry): Promise<void> | null {
    const name = commandName(e.argv[0]);
    if (name === "multi") {
      this.tx = [];
      this.txStart = e.start;
      return null;
    }
    if (this.tx) {
      if (name === "exec") return this.applyTx(this.tx.splice(0), e);
      if (name === "discard") {
        this.tx = null;
        this.events.done(e.end);
        return null;
      }
      this.tx.push(e);
      if (this.tx.length >= MAX_TX_COMMANDS) {
        this.events.info(`a transaction of more than ${MAX_TX_COMMANDS} commands is applied without MULTI/EXEC`);
        const pending = this.tx;
        this.tx = null;
        return this.applyAll(pending, this.txStart);
      }
      return null;
    }
    if (name === "eval" || name === "script") this.remember(name, e.argv);
    return this.run(this.plan(e, name), e.start, e.end, e);
  }

  private plan(e: CommandEntry, name = commandName(e.argv[0])): Planned[] {
    let argv = e.argv;
    if (name === "evalsha") {
      const body = this.scripts.get(argv[1].toString().toLowerCase());
      if (body) {
        argv = [b("EVAL"), body, ...argv.slice(2)];
        name = "eval";
      }
    }
    this.ctx.receivedAt = e.receivedAt;
    const steps: Planned[] = planCommand(argv, e.db, this.ctx, name);
    if (this.fence) {
      let sub = 0;
      for (const s of steps) {
        if (s.kind !== "write" && s.kind !== "broadcast") continue;
        s.offset = e.start;
        s.sub = sub++;
      }
    }
    return steps;
  }

  /**
   * The write as it is sent: null in a replay when it ran already; as a fenced script when sending it
   * twice would change the data (see fence.ts).
   */
  private fenced(step: Planned & { kind: "write" | "broadcast" }, f: ApplyFence): Buffer[] | null {
    const id = step as FenceId;
    if (f.replay) {
      if (!covers(f.replay.max, id)) f.replay = null;
      // a broadcast reaches every node in order: the highest fence of any covers it
      else if (step.kind === "broadcast" ? true : f.replay.ran(step.key, id)) return null;
    }
    if (step.kind === "broadcast" || isReplaySafe(step.argv) || !fenceable(step.argv)) return step.argv;
    const key = f.fences.keyFor(step.key);
    return key ? f.fences.wrap(step.argv, key, id) : step.argv;
  }

  /** Scripts seen in EVAL and SCRIPT LOAD, so a later EVALSHA can be sent as EVAL. */
  private remember(name: string, argv: Buffer[]): void {
    if (name === "eval" && argv[1]) this.scripts.set(sha1(argv[1]), argv[1]);
    else if (name === "script" && argv[1]?.toString().toLowerCase() === "load" && argv[2]) this.scripts.set(sha1(argv[2]), argv[2]);
    else if (name === "script" && argv[1]?.toString().toLowerCase() === "flush") this.scripts.clear();
  }

  /** `from`: the one command these steps come from, whose bytes are forwarded when its write is unchanged */
  private run(steps: Planned[], tag: number, end: number, from?: CommandEntry): Promise<void> | null {
    const f = this.fence;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      switch (step.kind) {
        case "write": {
          // With fences nothing is resent by the writer itself: a lost connection restarts the replay.
          const argv = f && step.offset !== undefined ? this.fenced(step, f) : step.argv;
          if (!argv) break;
          const flags = f ? 0 : isReplaySafe(argv) ? WRITE_REPLAY_SAFE : 0;
          const room =
            from?.raw !== undefined && argv === from.argv && steps.length === 1 && this.out.writeEncoded
              ? this.out.writeEncoded(step.db, from.raw, step.key, tag, flags)
              : this.out.write(step.db, argv, step.key, tag, flags);
          if (!room) return this.continueAfter(this.out.ready(), steps.slice(i + 1), tag, end);
          break;
        }
        case "broadcast": {
          const argv = f && step.offset !== undefined ? this.fenced(step, f) : step.argv;
          if (argv && !this.out.broadcast(step.db, argv, tag, f ? 0 : isReplaySafe(argv) ? WRITE_REPLAY_SAFE : 0)) return this.continueAfter(this.out.ready(), steps.slice(i + 1), tag, end);
          break;
        }
        case "emulate":
          return this.continueAfter(this.emulate(step), steps.slice(i + 1), tag, end);
        case "report":
          if (this.events.inexact(step.message, step.keys)) this.stopped = true;
          break;
        case "skip":
          if (step.message) this.events.info(step.message);
          break;
      }
    }
    this.events.done(end);
    return null;
  }

  private async continueAfter(wait: Promise<void>, rest: Planned[], tag: number, end: number): Promise<void> {
    await wait;
    await this.run(rest, tag, end);
  }

  private async emulate(step: Extract<Step, { kind: "emulate" }>): Promise<void> {
    // Every earlier write must be on the destination before its inputs are read back.
    await this.out.drained();
    const client = this.control();
    if ("select" in client && typeof (client as Redis).select === "function" && !("nodes" in client)) await (client as Redis).select(step.db);
    await emulate(client, step.name, step.argv, this.tmpPrefix);
  }

  private async applyAll(entries: CommandEntry[], tag: number): Promise<void> {
    for (const e of entries) {
      this.remember(commandName(e.argv[0]), e.argv);
      await this.run(this.plan(e), tag, e.end);
    }
  }

  /** MULTI/EXEC stays atomic when all its writes land on one node; otherwise it is applied in order and reported. */
  private applyTx(entries: CommandEntry[], exec: CommandEntry): Promise<void> | null {
    this.tx = null;
    const plans = entries.map((e) => {
      this.remember(commandName(e.argv[0]), e.argv);
      return this.plan(e);
    });
    const steps = plans.flat();
    const writes = steps.filter((s): s is Extract<Step, { kind: "write" }> => s.kind === "write");
    if (writes.length !== steps.length) {
      if (steps.some((s) => s.kind !== "skip")) this.events.info("a MULTI/EXEC block contains commands that cannot run inside a transaction here: applied in order");
      return this.run(steps, this.txStart, exec.end);
    }
    if (writes.length === 0) {
      this.events.done(exec.end);
      return null;
    }
    const node = this.out.nodeOf(writes.find((w) => w.key)?.key ?? null);
    const oneNode = writes.every((w) => w.key === null || this.out.nodeOf(w.key) === node);
    if (!oneNode) {
      this.events.info("a MULTI/EXEC block spans several destination nodes: applied in order, not atomically");
      return this.run(steps, this.txStart, exec.end);
    }
    const anchor = writes.find((w) => w.key)?.key ?? null;
    const framed: Step[] = [
      { kind: "write", db: writes[0].db, argv: [b("MULTI")], key: anchor },
      ...writes.map((w) => ({ ...w, key: w.key ?? anchor })),
      { kind: "write", db: writes[writes.length - 1].db, argv: [b("EXEC")], key: anchor },
    ];
    return this.run(framed, this.txStart, exec.end);
  }
}

function sha1(body: Buffer): string {
  return createHash("sha1").update(body).digest("hex");
}
