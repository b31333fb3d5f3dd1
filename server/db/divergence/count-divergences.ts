import "server-only";
import { getDb } from "../client";

export interface CountDivergencesOptions {
  taskId: string;
}

/** Recorded divergences of a task by kind (rows: bounded, see MAX_DIVERGENT_KEYS). */
export async function countDivergences({ taskId }: CountDivergencesOptions): Promise<{ refused: number; inexact: number }> {
  const groups = await getDb().divergentKey.groupBy({ by: ["kind"], where: { taskId }, _count: { _all: true } });
  const n = (kind: string) => groups.find((g) => g.kind === kind)?._count._all ?? 0;
  return { refused: n("refused"), inexact: n("inexact") };
}
