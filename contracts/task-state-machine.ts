import { TASK_STATES, type TTaskState } from "./task.types";

/**
 * The one state machine of a task: which states form each group the console and the engine ask
 * about, and every move a state may make, named by what makes it. The database function that
 * writes a state (server/db/task/set-task-state.ts) takes a move, never a list of its own, so a
 * rule is written here once. Shared with the browser: the buttons a task offers follow it.
 */

/** The channel may be (re)configured and started: no engine works on the task. */
export const CONFIGURABLE_STATES = ["not_started", "precheck_failed", "failed"] as const satisfies readonly TTaskState[];
/** An engine is (or should be) working on the task. */
export const RUNNING_STATES = ["prechecking", "initializing", "synchronizing"] as const satisfies readonly TTaskState[];
/** The engine copies or follows data: Pause is offered. */
export const PAUSABLE_STATES = ["initializing", "synchronizing"] as const satisfies readonly TTaskState[];
/** Stop (the task ends for good) is offered: running, or paused. */
export const STOPPABLE_STATES = [...RUNNING_STATES, "paused"] as const satisfies readonly TTaskState[];

const ANY = TASK_STATES;

/**
 * Every allowed move: from which states, to which. The console's moves are compare-and-set (the
 * task must still be in a `from` state, or the move is refused). The engine's own moves record
 * what its process does, from whatever state it finds (`ANY`): an engine that runs owns the task.
 */
export const TASK_MOVES = {
  /** the wizard's precheck passed: a failed precheck is forgotten */
  "precheck-passed": { from: ["precheck_failed"], to: ["not_started"] },
  /** the wizard's precheck failed */
  "precheck-failed": { from: ["not_started", "precheck_failed"], to: ["precheck_failed"] },
  /** Start in the console, after a passed precheck */
  start: { from: CONFIGURABLE_STATES, to: ["initializing"] },
  /** Restart of a failed task: prechecks again, then runs */
  restart: { from: ["failed"], to: ["prechecking"] },
  /** Pause (pausing a paused task again is no error) */
  pause: { from: [...PAUSABLE_STATES, "paused"], to: ["paused"] },
  /** Resume: a full sync again, or incremental when every checkpoint is */
  resume: { from: ["paused"], to: ["initializing", "synchronizing"] },
  /** Stop: the task is finished for good (stopping a finished task again is no error) */
  stop: { from: [...STOPPABLE_STATES, "finished"], to: ["finished"] },
  /** the console saw the engine process die while the task ran */
  "engine-died": { from: RUNNING_STATES, to: ["failed"] },
  /** the engine runs its precheck, or the precheck stopped it */
  "engine-precheck": { from: ANY, to: ["prechecking", "precheck_failed"] },
  /** the engine starts copying (initializing) or resumes from checkpoints (synchronizing) */
  "engine-start": { from: ANY, to: ["initializing", "synchronizing"] },
  /** the full synchronization ended: incremental from now on */
  "engine-progress": { from: PAUSABLE_STATES, to: PAUSABLE_STATES },
  /** the engine stopped: failed, paused (by Pause or its divergence policy) or finished */
  "engine-end": { from: ANY, to: ["failed", "paused", "finished"] },
  /** `redis-dts finish`: the CLI ends a task that no engine runs */
  finish: { from: ANY, to: ["finished"] },
} as const satisfies Record<string, { from: readonly TTaskState[]; to: readonly TTaskState[] }>;

export type TTaskMove = keyof typeof TASK_MOVES;

/** Whether `move` may take a task from `from` to `to`. */
export function canMove(move: TTaskMove, from: TTaskState, to: TTaskState): boolean {
  const m = TASK_MOVES[move];
  return (m.from as readonly TTaskState[]).includes(from) && (m.to as readonly TTaskState[]).includes(to);
}

/** Whether a task in `state` is in one of the groups above. */
export function isIn(group: readonly TTaskState[], state: TTaskState): boolean {
  return group.includes(state);
}
