import "server-only";
import { getDb } from "../client";

/** The region labels in use, with how many tasks carry each, alphabetically. */
export async function findRegionLabels(): Promise<{ label: string; tasks: number }[]> {
  const groups = await getDb().task.groupBy({ by: ["regionLabel"], _count: { _all: true }, orderBy: { regionLabel: "asc" } });
  return groups.map((g) => ({ label: g.regionLabel, tasks: g._count._all }));
}
