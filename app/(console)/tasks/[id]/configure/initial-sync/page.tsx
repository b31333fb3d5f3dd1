import type { Metadata } from "next";
import { WizardFrame } from "@/components/wizard/wizard-frame";
import { InitialSyncForm } from "@/components/wizard/initial-sync-form";
import { parseJsonField } from "@/server/db/json";
import { DEFAULT_DIVERGENCE_POLICY, ZSpeedLimitsSchema, ZTaskOptionsSchema } from "@/contracts/task.types";
import { loadWizardTask } from "@/server/console/wizard-task";

export const metadata: Metadata = { title: "Initial Synchronization" };

export default async function InitialSyncStepPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { task, endpoints } = await loadWizardTask(id, 4);
  const options = parseJsonField(task.options, ZTaskOptionsSchema, {});
  return (
    <WizardFrame taskId={id} taskName={task.name} step={4} reached={task.wizardStep}>
      <InitialSyncForm
        taskId={id}
        initial={task.initialSync === "incremental_only" ? "incremental_only" : "full_and_incremental"}
        sourceCluster={endpoints.source?.mode === "cluster"}
        initialPolicy={options.onInexact ?? DEFAULT_DIVERGENCE_POLICY}
        initialLimits={parseJsonField(task.speedLimits, ZSpeedLimitsSchema, {})}
      />
    </WizardFrame>
  );
}
