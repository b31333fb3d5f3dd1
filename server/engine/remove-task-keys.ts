import type { Redis } from "ioredis";
import { describeError } from "../errors";
import { formatAddress, type Endpoint } from "./endpoint";
import { taskKeyPattern } from "./own-keys";
import { discoverTopology, keyspaceCounts, masters, parseInfo, withControl } from "./topology";

/**
 * Removes what one task wrote for itself (own-keys.ts): its heartbeat on the source masters, and on
 * the destination the replicated heartbeat, the exactly-once fences and any temporary key a kill left
 * behind. Every master of each side, every database holding keys, SCAN MATCH on the task's own
 * pattern: keys of other tasks never match it. Best effort: a side that cannot be reached is a
 * warning, never an exception, so finishing or deleting a task is never blocked by it.
 */
export interface RemoveTaskKeysResult {
  /** keys removed per side; null when that side could not be cleaned (see warnings) */
  source: number | null;
  target: number | null;
  /** one sentence per side or node that could not be cleaned */
  warnings: string[];
}

export async function removeTaskKeys(o: { taskId: string; source: Endpoint; target: Endpoint; timeoutMs?: number }): Promise<RemoveTaskKeysResult> {
  const warnings: string[] = [];
  const [source, target] = await Promise.all([
    removeFromSide(o.taskId, o.source, "source", o.timeoutMs ?? 5000, warnings),
    removeFromSide(o.taskId, o.target, "destination", o.timeoutMs ?? 5000, warnings),
  ]);
  return { source, target, warnings };
}

async function removeFromSide(taskId: string, endpoint: Endpoint, label: string, timeoutMs: number, warnings: string[]): Promise<number | null> {
  let nodes: Array<{ host: string; port: number }>;
  try {
    const topology = await discoverTopology(endpoint, { timeoutMs });
    nodes = topology.mode === "cluster" ? masters(topology).filter((m) => !m.failed) : [{ host: endpoint.host, port: endpoint.port }];
  } catch (err) {
    warnings.push(`the ${label} ${formatAddress(endpoint)} could not be reached to remove this task's own keys (${describeError(err)}); they expire by themselves (heartbeat within an hour, fences within a day)`);
    return null;
  }
  let removed = 0;
  let complete = true;
  for (const node of nodes) {
    try {
      removed += await withControl({ ...endpoint, host: node.host, port: node.port }, { timeoutMs }, (c) => removeFromNode(c, taskKeyPattern(taskId)));
    } catch (err) {
      complete = false;
      warnings.push(`this task's own keys could not be removed from the ${label} node ${formatAddress(node)} (${describeError(err)}); they expire by themselves (heartbeat within an hour, fences within a day)`);
    }
  }
  return complete ? removed : null;
}

async function removeFromNode(c: Redis, pattern: string): Promise<number> {
  const keyspace = keyspaceCounts(parseInfo(String(await c.call("INFO", "keyspace"))));
  let removed = 0;
  for (const db of keyspace.keys()) {
    await c.call("SELECT", db);
    let cursor = "0";
    do {
      const [next, keys] = (await c.callBuffer("SCAN", cursor, "MATCH", pattern, "COUNT", 1000)) as [Buffer, Buffer[]];
      cursor = next.toString();
      if (keys.length === 0) continue;
      // one UNLINK per key: on a cluster node the keys of one batch lie in different slots
      const p = c.pipeline();
      for (const k of keys) p.unlink(k);
      for (const [err, n] of (await p.exec()) ?? []) {
        if (err) throw err;
        removed += Number(n);
      }
    } while (cursor !== "0");
  }
  return removed;
}
