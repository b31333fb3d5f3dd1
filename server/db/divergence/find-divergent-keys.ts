import "server-only";
import { printable } from "../../engine/values/printable";
import { getDb } from "../client";
import type { TDivergentKeyRow } from "../../../contracts/divergence.types";

export interface FindDivergentKeysOptions {
  taskId: string;
  /** newest first; default 20 */
  take?: number;
}

/** The most recent divergent keys of a task, newest first, keys in printable form. */
export async function findDivergentKeys({ taskId, take = 20 }: FindDivergentKeysOptions): Promise<TDivergentKeyRow[]> {
  const rows = await getDb().divergentKey.findMany({ where: { taskId }, orderBy: [{ id: "desc" }], take });
  return rows.map((r) => ({
    id: r.id,
    time: r.time.toISOString(),
    kind: r.kind === "inexact" ? "inexact" : "refused",
    shard: r.shard,
    db: r.db,
    command: r.command,
    key: r.key === null ? null : printable(Buffer.from(r.key, "base64")),
    reason: r.reason,
    phase: r.phase === "full" ? "full" : "incremental",
  }));
}
