import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { WizardFrame } from "@/components/wizard/wizard-frame";
import { PrecheckStep } from "@/components/wizard/precheck-step";
import { loadWizardTask } from "@/server/console/wizard-task";
import { precheckView } from "@/server/console/precheck-view";

export const metadata: Metadata = { title: "Precheck" };

export default async function PrecheckStepPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { task } = await loadWizardTask(id, 5);
  const view = await precheckView(id);
  if (!view) notFound();
  return (
    <WizardFrame taskId={id} taskName={task.name} step={5} reached={task.wizardStep}>
      <PrecheckStep taskId={id} initial={view} />
    </WizardFrame>
  );
}
