import "server-only";
import { getDb } from "../client";

/** A worker that stopped cleanly removes its row (one killed ages out: findWorkers skips it). */
export async function deleteWorker({ id }: { id: string }): Promise<void> {
  await getDb().worker.deleteMany({ where: { id } });
}
