import type { TDivergencePolicy } from "@/contracts/task.types";

/** The wizard's choice for a write the destination refuses or the engine cannot apply exactly. */
export const DIVERGENCE_POLICY_LEGEND = "When a write is refused or cannot be applied exactly";

export const DIVERGENCE_POLICY_OPTIONS: { value: TDivergencePolicy; label: string; description: string }[] = [
  {
    value: "pause",
    label: "Pause the task (recommended): fix the cause, then resume from that write",
    description:
      "The task stops at the write and says why (a key of another type on the destination, a missing module, memory or ACL limits). Once the cause is fixed, Resume applies that write again and continues: nothing is lost.",
  },
  {
    value: "skip",
    label: "Skip it and record its keys for Data Verification",
    description: "The task goes on without that write. Its keys are counted and listed on the status page, and Data Verification checks them first. The destination differs on those keys until they are repaired.",
  },
  {
    value: "fail",
    label: "Fail the task",
    description: "The task stops with an error that names the write, like any other failure. Fix the cause, then Restart.",
  },
];

/** Short form for the status page and the configuration tab. */
export const DIVERGENCE_POLICY_SHORT: Record<TDivergencePolicy, string> = {
  pause: "Pause the task at that write",
  skip: "Skip it and record its keys",
  fail: "Fail the task",
};
