import { redirect } from "next/navigation";
import { loadWizardTask, stepPath } from "@/server/console/wizard-task";

/** "Configure Synchronization Channel" opens at the step the operator reached last. */
export default async function ConfigurePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { task } = await loadWizardTask(id, 1);
  redirect(stepPath(id, task.wizardStep));
}
