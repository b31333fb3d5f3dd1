import type { TTaskState } from "@/contracts/task.types";

/** What each state means and what the operator can do next. */
export const TASK_STATE_MEANING: Record<TTaskState, string> = {
  not_started: "The synchronization channel is not configured yet. Configure the source, the destination and the objects, then run the precheck.",
  prechecking: "The precheck is verifying connectivity, permissions, versions and capacity of both sides.",
  precheck_failed: "At least one precheck item failed. Open the configuration, fix the causes shown for each item and run the precheck again.",
  initializing: "Full data synchronization: the source's snapshot is being copied to the destination. Writes made meanwhile follow right after.",
  synchronizing: "Incremental synchronization: every write on the source is applied to the destination. Latency shows how far behind it is.",
  paused: "Nothing is applied while paused; the position in the source's stream is kept. Resume continues from there while the source's backlog still covers the gap.",
  failed: "The synchronization stopped on an error (shown below). Fix the cause, then restart the task.",
  finished: "The task was stopped for good. Its data stays on the destination.",
};
