import "server-only";
import type { ShardCheckpoint } from "../engine/sync/shard-types";
import type { SyncStore } from "../engine/sync/sync-task";
import { getCheckpoints } from "../db/checkpoint/get-checkpoints";
import { saveCheckpoint } from "../db/checkpoint/save-checkpoint";
import { saveCheckpointHorizon } from "../db/checkpoint/save-checkpoint-horizon";
import { addTaskEvent } from "../db/task-event/add-task-event";
import { addDivergentKeys } from "../db/divergence/add-divergent-keys";
import { describeRecord } from "../engine/sync/divergence";
import { decodeResume, encodeResume } from "../engine/apply/refusal-redo";

/** divergences named one by one in the events before they are summed up every 10 s */
const NAMED_DIVERGENCES = 50;

/**
 * The engine's persistence through the console's database. Events are written in order through one
 * queue so a burst of warnings never opens a burst of database writes, and a database hiccup never
 * stops the synchronization (it is printed to stderr instead).
 */
export function dbSyncStore(
  taskId: string,
  echo?: (level: string, message: string) => void,
  /** events are echoed at once, and stored (in order) once this settles: an engine start's PSYNC comes first */
  storeAfter?: Promise<unknown>,
): SyncStore & { flush(): Promise<void> } {
  let chain: Promise<unknown> = storeAfter ?? Promise.resolve();
  let queued = 0;
  let dropped = 0;
  let named = 0;
  let unnamed = 0;
  let unnamedSince = 0;
  const enqueue = (fn: () => Promise<unknown>) => {
    if (queued > 1000) {
      dropped++;
      return;
    }
    queued++;
    chain = chain.then(fn).catch((err) => process.stderr.write(`redis-dts: event not stored: ${(err as Error).message}\n`)).finally(() => queued--);
  };
  return {
    async loadCheckpoints(): Promise<ShardCheckpoint[]> {
      const rows = await getCheckpoints({ taskId });
      return rows.map((r) => ({
        sourceNode: r.sourceNode,
        replid: r.replid,
        offset: Number(r.offset),
        db: r.db,
        phase: r.phase === "incremental" ? "incremental" : "full",
        resume: decodeResume(r.resume),
        ...(r.horizon !== null && { horizon: Number(r.horizon) }),
      }));
    },
    async saveCheckpoint(cp: ShardCheckpoint): Promise<void> {
      await saveCheckpoint({
        taskId,
        sourceNode: cp.sourceNode,
        replid: cp.replid,
        offset: BigInt(cp.offset),
        db: cp.db,
        phase: cp.phase,
        resume: encodeResume(cp.resume),
        // a new full synchronization starts a new history: no window of an earlier one applies
        ...(cp.phase === "full" && { horizon: null }),
      });
    },
    async saveHorizon(sourceNode: string, horizon: number): Promise<void> {
      await saveCheckpointHorizon({ taskId, sourceNode, horizon: BigInt(horizon) });
    },
    log(level, message) {
      echo?.(level, message);
      if (dropped > 0) {
        const n = dropped;
        dropped = 0;
        enqueue(() => addTaskEvent({ taskId, level: "warn", message: `${n} events were dropped while the database was slow` }));
      }
      enqueue(() => addTaskEvent({ taskId, level, message }));
    },
    divergence(r, decision) {
      // a write refused again at a resume has its keys recorded from its first refusal
      if (!r.repeat) enqueue(() => addDivergentKeys({ taskId, kind: r.kind, shard: r.shard, db: r.db, command: r.command, keys: r.keys, reason: r.reason, phase: r.phase, time: new Date(r.at) }));
      const level = decision === "continue" ? "warn" : "error";
      const message = `${r.shard}: ${describeRecord(r)}${decision === "continue" ? " (skipped and recorded for Data Verification)" : ""}`;
      if (named < NAMED_DIVERGENCES || decision !== "continue") {
        named++;
        echo?.(level, message);
        enqueue(() => addTaskEvent({ taskId, level, message, code: "DIVERGENCE" }));
        return;
      }
      unnamed++;
      if (Date.now() - unnamedSince >= 10_000) {
        const n = unnamed;
        unnamed = 0;
        unnamedSince = Date.now();
        echo?.("warn", `${n} more refused or inexact writes, the last: ${message}`);
        enqueue(() => addTaskEvent({ taskId, level: "warn", message: `${n} more refused or inexact writes were skipped and recorded; the last: ${message}`, code: "DIVERGENCE" }));
      }
    },
    async flush() {
      if (unnamed > 0) {
        const n = unnamed;
        unnamed = 0;
        enqueue(() => addTaskEvent({ taskId, level: "warn", message: `${n} more refused or inexact writes were skipped and recorded (see the task's divergence list)`, code: "DIVERGENCE" }));
      }
      await chain;
    },
  };
}
