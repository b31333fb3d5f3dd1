import calculateSlot from "cluster-key-slot";
import { Redis, type Cluster } from "ioredis";
import { isOwnKey, isTaskKey } from "../own-keys";

/**
 * Deletes the keys of some slots from destination databases: before a shard's full synchronization
 * is run again (the keys an earlier attempt wrote must go: a key deleted on the source in between
 * would otherwise survive; only in "Pre-check and Intercept" mode, where the mapped databases held
 * nothing of their own at the start), and for a FLUSHALL/FLUSHDB of one master of a source cluster,
 * which emptied only that master's slots, and for a flush under a key filter (`only`: the keys the
 * filter includes; the others are the operator's and stay). `slots` empty = every key.
 */
export async function clearShard(control: Redis | Cluster, destDbs: number[], slots: Array<[number, number]>, opts: { keepOwnKeys?: boolean; taskId?: string; only?: (key: Buffer) => boolean } = {}): Promise<number> {
  // A cluster client lists its nodes only once it has loaded the slot map.
  if ("nodes" in control && control.status !== "ready") await new Promise((r) => control.once("ready", r));
  const nodes: Redis[] = "nodes" in control ? (control as Cluster).nodes("master") : [control as Redis];
  let removed = 0;
  for (const node of nodes) {
    for (const db of destDbs) {
      const conn = "nodes" in control ? node : node.duplicate({ db });
      if (conn !== node) conn.on("error", () => {});
      try {
        let cursor = "0";
        do {
          const [next, keys] = (await conn.scanBuffer(cursor, "COUNT", 1000)) as unknown as [Buffer, Buffer[]];
          cursor = next.toString();
          // own keys: all kept (a flush), or those of other tasks (the precheck let them be: never touched)
          const mine = keys.filter((k) => (slots.length === 0 || inSlots(calculateSlot(k), slots)) && (!opts.only || opts.only(k)) && !(isOwnKey(k) && (opts.keepOwnKeys || (opts.taskId !== undefined && !isTaskKey(k, opts.taskId)))));
          // One UNLINK per key: keys of one batch may span slots.
          if (mine.length) {
            const p = conn.pipeline();
            for (const k of mine) p.unlink(k);
            await p.exec();
            removed += mine.length;
          }
        } while (cursor !== "0");
      } finally {
        if (conn !== node) conn.disconnect();
      }
    }
  }
  return removed;
}

function inSlots(slot: number, ranges: Array<[number, number]>): boolean {
  for (const [a, b] of ranges) if (slot >= a && slot <= b) return true;
  return false;
}
