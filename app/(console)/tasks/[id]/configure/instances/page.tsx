import type { Metadata } from "next";
import { WizardFrame } from "@/components/wizard/wizard-frame";
import { InstancesForm } from "@/components/wizard/instances-form";
import { loadWizardTask } from "@/server/console/wizard-task";

export const metadata: Metadata = { title: "Configure Source and Destination Instances" };

export default async function InstancesStepPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { task, endpoints } = await loadWizardTask(id, 1);
  return (
    <WizardFrame taskId={id} taskName={task.name} step={1} reached={task.wizardStep}>
      <InstancesForm taskId={id} name={task.name} regionLabel={task.regionLabel} endpoints={endpoints} />
    </WizardFrame>
  );
}
