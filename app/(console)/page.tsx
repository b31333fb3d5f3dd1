import type { Metadata } from "next";
import { requireOperator } from "@/server/auth/require-operator";
import { findTasks } from "@/server/db/task/find-tasks";
import { findRegionLabels } from "@/server/db/task/find-region-labels";
import { TaskList } from "@/components/tasks/task-list";

export const metadata: Metadata = { title: "Synchronization Tasks" };

export default async function SynchronizationTasksPage({ searchParams }: { searchParams: Promise<{ region?: string | string[] }> }) {
  const raw = (await searchParams).region;
  const region = typeof raw === "string" && raw ? raw : null;
  await requireOperator(region ? `/?region=${encodeURIComponent(region)}` : "/");
  const [tasks, regions] = await Promise.all([findTasks({ regionLabel: region ?? undefined }), findRegionLabels()]);
  return <TaskList region={region} initial={{ tasks, regions }} />;
}
