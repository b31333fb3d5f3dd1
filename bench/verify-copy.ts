import type { Redis } from "ioredis";
import { Rng } from "./dataset";
import type { Deployment } from "./deployment";

/**
 * A speed figure only counts for a correct copy: after each run a sample of dataset keys is read on
 * both sides (type, value, whether a TTL is set) and the differences are counted.
 */

async function read(c: Redis, key: string): Promise<string> {
  const type = await c.type(key);
  let value: unknown;
  switch (type) {
    case "string":
      value = await c.get(key);
      break;
    case "hash":
      value = Object.entries(await c.hgetall(key)).sort();
      break;
    case "list":
      value = await c.lrange(key, 0, -1);
      break;
    case "set":
      value = (await c.smembers(key)).sort();
      break;
    case "zset":
      value = await c.call("ZRANGE", key, "0", "-1", "WITHSCORES");
      break;
    default:
      value = null;
  }
  const ttl = await c.pttl(key);
  return JSON.stringify([type, value, ttl > 0]);
}

export interface CopyCheck {
  sampled: number;
  mismatches: number;
  examples: string[];
  /** keys on the destination that are not heartbeat keys */
  dataKeys: number;
  heartbeatKeys: number;
}

export async function verifyCopy(source: Deployment, target: Deployment, datasetKeys: number, sample = 200, prefix = "bench:"): Promise<CopyCheck> {
  const rng = new Rng(datasetKeys ^ 0x5eed);
  let mismatches = 0;
  const examples: string[] = [];
  for (let i = 0; i < sample; i++) {
    const key = `${prefix}${rng.int(0, datasetKeys - 1)}`;
    const [a, b] = await Promise.all([read(await source.connFor(key), key), read(await target.connFor(key), key)]);
    if (a !== b) {
      mismatches++;
      if (examples.length < 3) examples.push(`${key}: source ${a.slice(0, 120)} destination ${b.slice(0, 120)}`);
    }
  }
  const heartbeatKeys = (await target.heartbeatKeys()).length;
  return { sampled: sample, mismatches, examples, dataKeys: (await target.keyCount()) - heartbeatKeys, heartbeatKeys };
}
