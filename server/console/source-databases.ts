import "server-only";
import { discoverTopology, masters, withControl } from "@/server/engine/topology";
import { dataKeysPerDb } from "@/server/engine/keys/count-own-keys";
import { describeError } from "@/server/errors";
import { getEndpointCredentials } from "@/server/db/endpoint/get-endpoint-credentials";
import type { SourceDatabases } from "@/contracts/source-databases.types";

const DEFAULT_DATABASES = 16;

/** What the objects step lists: the source's own `databases` setting, with key counts. */
export async function readSourceDatabases(taskId: string): Promise<SourceDatabases> {
  const source = await getEndpointCredentials({ taskId, role: "source" });
  const sourceCluster = source?.mode === "cluster";
  if (!source?.host) return { count: sourceCluster ? 1 : DEFAULT_DATABASES, keys: {}, sourceCluster, note: "The source is not configured yet." };
  try {
    return await withControl(source, { timeoutMs: 3000 }, async (c) => {
      if (sourceCluster) return { count: 1, keys: await clusterKeys(source), sourceCluster, note: null };
      const keys = Object.fromEntries(await dataKeysPerDb((cmd, ...args) => c.call(cmd, ...args)));
      try {
        const reply = (await c.call("CONFIG", "GET", "databases")) as string[];
        const n = Number(reply?.[1]);
        if (Number.isInteger(n) && n > 0) return { count: Math.min(n, 4096), keys, sourceCluster, note: n > 4096 ? `The source has ${n} databases; the first 4096 are listed.` : null };
      } catch (err) {
        return { count: DEFAULT_DATABASES, keys, sourceCluster, note: `The source did not say how many databases it has (CONFIG GET databases: ${describeError(err)}); databases 0-15 are listed.` };
      }
      return { count: DEFAULT_DATABASES, keys, sourceCluster, note: null };
    });
  } catch (err) {
    return { count: sourceCluster ? 1 : DEFAULT_DATABASES, keys: {}, sourceCluster, note: `The source could not be asked for its databases (${describeError(err)}); the default list is shown.` };
  }
}

async function clusterKeys(source: NonNullable<Awaited<ReturnType<typeof getEndpointCredentials>>>): Promise<Record<number, number>> {
  const topology = await discoverTopology(source, { timeoutMs: 3000 });
  const counts = await Promise.all(
    masters(topology).map((n) =>
      withControl({ host: n.host, port: n.port, username: source.username, password: source.password }, { timeoutMs: 3000 }, (c) => dataKeysPerDb((cmd, ...args) => c.call(cmd, ...args))),
    ),
  );
  const total: Record<number, number> = {};
  for (const perDb of counts) for (const [db, n] of perDb) total[db] = (total[db] ?? 0) + n;
  return total;
}
