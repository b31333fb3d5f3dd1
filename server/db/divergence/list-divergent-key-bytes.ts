import "server-only";
import { getDb } from "../client";

export interface ListDivergentKeyBytesOptions {
  taskId: string;
}

/** Every recorded divergent key of a task as bytes with its source database (Data Verification checks these first). */
export async function listDivergentKeyBytes({ taskId }: ListDivergentKeyBytesOptions): Promise<Array<{ db: number; key: Buffer }>> {
  const rows = await getDb().divergentKey.findMany({ where: { taskId, key: { not: null } }, select: { db: true, key: true }, orderBy: { id: "asc" } });
  const seen = new Set<string>();
  const out: Array<{ db: number; key: Buffer }> = [];
  for (const r of rows) {
    const id = `${r.db ?? 0}:${r.key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ db: r.db ?? 0, key: Buffer.from(r.key!, "base64") });
  }
  return out;
}
