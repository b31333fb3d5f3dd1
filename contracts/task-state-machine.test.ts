import { describe, expect, it } from "vitest";
import { TASK_STATES, type TTaskState } from "./task.types";
import { CONFIGURABLE_STATES, PAUSABLE_STATES, RUNNING_STATES, STOPPABLE_STATES, TASK_MOVES, canMove, type TTaskMove } from "./task-state-machine";

const moves = Object.keys(TASK_MOVES) as TTaskMove[];

describe("task state machine", () => {
  it("reaches every state by some move, and leaves every state but finished by some move", () => {
    for (const s of TASK_STATES) {
      expect(moves.some((m) => (TASK_MOVES[m].to as readonly TTaskState[]).includes(s)), `into ${s}`).toBe(true);
      expect(moves.some((m) => (TASK_MOVES[m].from as readonly TTaskState[]).includes(s) && TASK_MOVES[m].to.some((t) => t !== s)), `out of ${s}`).toBe(true);
    }
  });

  it("keeps the groups apart: a task is either configurable or stoppable", () => {
    for (const s of TASK_STATES) {
      const configurable = (CONFIGURABLE_STATES as readonly TTaskState[]).includes(s);
      const stoppable = (STOPPABLE_STATES as readonly TTaskState[]).includes(s);
      expect(configurable && stoppable, s).toBe(false);
    }
    expect(PAUSABLE_STATES.every((s) => (RUNNING_STATES as readonly TTaskState[]).includes(s))).toBe(true);
  });

  it.each([
    ["start", "not_started", "initializing", true],
    ["start", "failed", "initializing", true],
    ["start", "paused", "initializing", false],
    ["start", "synchronizing", "initializing", false],
    ["resume", "paused", "synchronizing", true],
    ["resume", "failed", "synchronizing", false],
    ["pause", "synchronizing", "paused", true],
    ["pause", "prechecking", "paused", false],
    ["pause", "synchronizing", "finished", false],
    ["stop", "paused", "finished", true],
    ["stop", "not_started", "finished", false],
    ["restart", "failed", "prechecking", true],
    ["restart", "finished", "prechecking", false],
    ["engine-died", "synchronizing", "failed", true],
    ["engine-died", "paused", "failed", false],
    ["engine-progress", "initializing", "synchronizing", true],
    ["engine-progress", "finished", "synchronizing", false],
  ] as const)("%s: %s -> %s is %s", (move, from, to, allowed) => {
    expect(canMove(move, from, to)).toBe(allowed);
  });
});
