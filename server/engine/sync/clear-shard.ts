import calculateSlot from "cluster-key-slot";
import { Redis, type Cluster } from "ioredis";

/**
 * Before a shard's full synchronization is run again (the engine stopped mid-load, or the source's
 * backlog no longer covered a restart), the keys an earlier attempt wrote must go: a key deleted on
 * the source in between would otherwise survive on the destination. Only used in "Pre-check and
 * Intercept" mode, where the destination's mapped databases held nothing of their own at the start;
 * with a cluster source only the keys of this shard's slots are removed.
 */
export async function clearShard(control: Redis | Cluster, destDbs: number[], slots: Array<[number, number]>): Promise<number> {
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
          const mine = slots.length === 0 ? keys : keys.filter((k) => inSlots(calculateSlot(k), slots));
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
