import "server-only";
import { redact } from "../../errors";
import { getDb } from "../client";
import { MAX_DIVERGENT_KEYS } from "../../../contracts/divergence.types";

export interface AddDivergentKeysOptions {
  taskId: string;
  kind: "refused" | "inexact";
  shard: string;
  db: number | null;
  command: string;
  /** empty for a keyless command: one row without a key */
  keys: Buffer[];
  reason: string;
  phase: "full" | "incremental";
  time?: Date;
}

/**
 * Records the keys of one divergence for the status page and Data Verification. Bounded per task
 * (MAX_DIVERGENT_KEYS): the counts in the engine's status stay exact past it. Returns the rows written.
 */
export async function addDivergentKeys({ taskId, kind, shard, db, command, keys, reason, phase, time }: AddDivergentKeysOptions): Promise<number> {
  const prisma = getDb();
  const have = await prisma.divergentKey.count({ where: { taskId } });
  const room = MAX_DIVERGENT_KEYS - have;
  if (room <= 0) return 0;
  const base = { taskId, kind, shard, db, command: command.slice(0, 64), reason: redact(reason).slice(0, 1000), phase, ...(time && { time }) };
  const rows = keys.length === 0 ? [{ ...base, key: null }] : keys.slice(0, room).map((k) => ({ ...base, key: k.toString("base64") }));
  await prisma.divergentKey.createMany({ data: rows });
  return rows.length;
}
