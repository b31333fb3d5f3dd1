import type { TTaskState } from "@/contracts/task.types";

/** What the operator can do next in each state (the meaning itself is TASK_STATE_MEANING). */
export const TASK_STATE_NEXT: Record<TTaskState, string> = {
  not_started: "Next: Configure Synchronization Channel, walk its five steps, and start the task once the precheck passes.",
  prechecking: "Wait a few seconds: the task starts by itself when nothing fails.",
  precheck_failed: "Next: open the Precheck tab, read the cause and fix of each failed item, fix them, then click Precheck Again (or change the channel's configuration).",
  initializing: "Nothing to do: the progress is below. Writes made on the source meanwhile are applied right after the copy.",
  synchronizing: "The destination follows the source. Run a Data Verification before switching traffic; Pause keeps the position, Stop ends the task.",
  paused: "Next: Resume to continue from the stored position, or Stop to end the task.",
  failed: "Next: read the error and the Events tab, fix the cause, then Restart (the precheck runs first). Precheck Again checks the configuration without starting.",
  finished: "The task is over. Create a new task to synchronize again; delete this one from the task list when its history is no longer needed.",
};
