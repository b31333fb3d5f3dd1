import type { Metadata } from "next";
import { WizardFrame } from "@/components/wizard/wizard-frame";
import { WhitelistStep } from "@/components/wizard/whitelist-step";
import { loadWizardTask } from "@/server/console/wizard-task";

export const metadata: Metadata = { title: "Set Whitelist and Next" };

export default async function WhitelistStepPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { task } = await loadWizardTask(id, 2);
  return (
    <WizardFrame taskId={id} taskName={task.name} step={2} reached={task.wizardStep}>
      <WhitelistStep taskId={id} />
    </WizardFrame>
  );
}
