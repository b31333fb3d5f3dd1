import { describe, expect, it } from "vitest";
import { taskFigures } from "./task-figures";
import type { TaskStatusView } from "@/contracts/task-status-view.types";

type Live = NonNullable<TaskStatusView["engine"]["live"]>;

const shard = (source: string, phase: string, offset: number | null, appliedOffset: number | null) => ({ source, replid: "r".repeat(40), offset, appliedOffset, phase });

function live(over: Partial<Live>): Live {
  return {
    state: "initializing",
    fullSync: { keys: 10, bytes: 100, totalBytes: 1000, done: false },
    shards: [],
    latencyMs: null,
    opsPerSec: 0,
    error: null,
    warnings: [],
    pubsub: null,
    divergence: { policy: "pause", refused: 0, inexact: 0, shards: [], recent: [] },
    updatedAt: "2026-12-03T10:00:00.000Z",
    throttled: null,
    ...over,
  };
}

const base = {
  initialSync: "full_and_incremental",
  serverTime: "2026-12-03T10:00:01.000Z",
  lastSample: { time: "2026-12-03T09:59:55.000Z", latencyMs: 12, opsPerSec: 50, keys: 999, bytes: 9999, lagBytes: 0 },
};

describe("taskFigures: the overview from one snapshot", () => {
  it("a running engine's line is the only source, even when the stored state is already synchronizing", () => {
    const f = taskFigures({
      ...base,
      // the stored state moved on; the engine's line has two shards still copying
      state: "synchronizing",
      checkpoints: [{ sourceNode: "a:1", replid: "x", offset: 5, phase: "incremental", updatedAt: base.serverTime }],
      engine: {
        mode: "embedded",
        running: true,
        live: live({
          shards: [shard("a:1", "incremental", 500, 400), shard("b:2", "full", 0, null), shard("c:3", "full", 0, null)],
          divergence: { policy: "pause", refused: 1, inexact: 0, shards: [{ source: "a:1", refused: 1, inexact: 0 }], recent: [] },
          latencyMs: 30,
          opsPerSec: 7,
        }),
      },
    });
    expect(f.from).toBe("engine");
    expect(f.at).toBe("2026-12-03T10:00:00.000Z");
    expect(f.fullSync).toEqual({ keys: 10, bytes: 100, totalBytes: 1000, done: false, active: true });
    expect(f.shards.map((s) => [s.source, s.phase, s.refused])).toEqual([["a:1", "incremental", 1], ["b:2", "full", 0], ["c:3", "full", 0]]);
    expect(f.latencyMs).toBe(30);
    expect(f.lagBytes).toBe(100);
    // nothing of the stored sample leaks in
    expect(f.fullSync.keys).not.toBe(base.lastSample.keys);
  });

  it("without a running engine: the stored positions and sample, done only when every shard is incremental", () => {
    const stopped = { mode: "embedded" as const, running: false, live: live({ fullSync: { keys: 1, bytes: 1, totalBytes: null, done: true } }) };
    const partial = taskFigures({ ...base, state: "paused", engine: stopped, checkpoints: [
      { sourceNode: "a:1", replid: "x", offset: 5, phase: "incremental", updatedAt: base.serverTime },
      { sourceNode: "b:2", replid: "y", offset: 0, phase: "full", updatedAt: base.serverTime },
    ] });
    expect(partial.from).toBe("records");
    expect(partial.fullSync).toEqual({ keys: 999, bytes: 9999, totalBytes: null, done: false, active: false });
    expect(partial.shards.map((s) => [s.source, s.appliedOffset, s.refused])).toEqual([["a:1", null, null], ["b:2", null, null]]);
    expect(partial.latencyMs).toBeNull();
    const all = taskFigures({ ...base, state: "paused", engine: stopped, checkpoints: [{ sourceNode: "a:1", replid: "x", offset: 5, phase: "incremental", updatedAt: base.serverTime }] });
    expect(all.fullSync.done).toBe(true);
  });
});
