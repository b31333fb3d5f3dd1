import { run, type CommandRunner } from "../keys/command-runner";
import { asArray, asBuffer, asText } from "../keys/reply";
import { isOwnKey } from "../own-keys";

/**
 * Every key of one database on a set of nodes, in batches of about `batchSize`, by SCAN: the
 * server keeps no state and we keep one batch, so memory does not grow with the keyspace. SCAN
 * may return a key twice while the server rehashes; such a key is simply checked twice.
 */
export async function* scanKeys(clients: CommandRunner[], batchSize: number, signal?: AbortSignal, explain: (err: unknown) => Error = (e) => e as Error, keyIncluded?: (key: Buffer) => boolean): AsyncGenerator<Buffer[]> {
  let batch: Buffer[] = [];
  for (const client of clients) {
    let cursor = "0";
    do {
      if (signal?.aborted) return;
      const [next, keys] = asArray(await run(client, "SCAN", cursor, "COUNT", batchSize).catch((e: unknown) => Promise.reject(explain(e))), "SCAN");
      cursor = asText(next, "SCAN");
      for (const k of asArray(keys, "SCAN")) {
        const key = asBuffer(k, "SCAN");
        // redis-dts's own keys (heartbeats, fences, temporary keys) are neither missing nor extra
        // nor are keys the task's key filter leaves out (`keyIncluded`)
        if (!isOwnKey(key) && (!keyIncluded || keyIncluded(key))) batch.push(key);
      }
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    } while (cursor !== "0");
  }
  if (batch.length > 0) yield batch;
}
