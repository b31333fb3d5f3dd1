import type { TaskStatusView, TaskFigures } from "@/contracts/task-status-view.types";

type Inputs = Pick<TaskStatusView, "state" | "engine" | "checkpoints" | "lastSample" | "initialSync" | "serverTime">;

/**
 * Every figure of the status page's overview, from ONE source: the running engine's last status line
 * (one moment of the task: its full-sync totals, its shards, its latency) or, when no engine of this
 * console runs the task, the stored records. Never a mix: the stored task state can be ahead of or
 * behind the engine's line, and mixing them showed "Full data synchronization complete" above shards
 * still in "Full data" at offset 0.
 */
export function taskFigures(s: Inputs): TaskFigures {
  const live = s.engine.running ? s.engine.live : null;
  if (live) {
    const done = live.fullSync.done;
    return {
      from: "engine",
      at: live.updatedAt,
      state: live.state,
      fullSync: { ...live.fullSync, done, active: !done && live.state === "initializing" },
      shards: live.shards.map((sh) => {
        const d = live.divergence.shards.find((x) => x.source === sh.source);
        return { ...sh, refused: d?.refused ?? 0, inexact: d?.inexact ?? 0 };
      }),
      latencyMs: live.latencyMs,
      opsPerSec: live.opsPerSec,
      lagBytes: live.shards.length ? live.shards.reduce((n, sh) => n + Math.max(0, (sh.offset ?? 0) - (sh.appliedOffset ?? sh.offset ?? 0)), 0) : null,
    };
  }
  const done = s.checkpoints.length > 0 && s.checkpoints.every((c) => c.phase === "incremental");
  return {
    from: "records",
    at: s.lastSample?.time ?? s.serverTime,
    state: s.state,
    fullSync: { keys: s.lastSample?.keys ?? 0, bytes: s.lastSample?.bytes ?? 0, totalBytes: null, done, active: false },
    shards: s.checkpoints.map((c) => ({ source: c.sourceNode, replid: c.replid, offset: c.offset, appliedOffset: null, phase: c.phase, refused: null, inexact: null })),
    latencyMs: null,
    opsPerSec: null,
    lagBytes: null,
  };
}
