import type { Metadata } from "next";
import { WizardFrame } from "@/components/wizard/wizard-frame";
import { ObjectsForm } from "@/components/wizard/objects-form";
import { parseJsonField } from "@/server/db/json";
import { ZDbMapSchema, ZKeyFilterSchema, ZSelectedDbsSchema } from "@/contracts/task.types";
import { loadWizardTask } from "@/server/console/wizard-task";
import { readSourceDatabases } from "@/server/console/source-databases";

export const metadata: Metadata = { title: "Processing Mode and Objects" };

export default async function ObjectsStepPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { task, endpoints } = await loadWizardTask(id, 3);
  const databases = await readSourceDatabases(id);
  const selectedDbs = parseJsonField(task.selectedDbs, ZSelectedDbsSchema, [0]);
  const dbMap = parseJsonField(task.dbMap, ZDbMapSchema, {});
  const keyFilter = parseJsonField(task.keyFilter, ZKeyFilterSchema, { include: [], exclude: [] });
  return (
    <WizardFrame taskId={id} taskName={task.name} step={3} reached={task.wizardStep}>
      <ObjectsForm
        taskId={id}
        initial={{ conflictMode: task.conflictMode === "ignore" ? "ignore" : "intercept", selectedDbs, dbMap, keyFilter }}
        databases={databases}
        destinationCluster={endpoints.destination?.mode === "cluster"}
      />
    </WizardFrame>
  );
}
