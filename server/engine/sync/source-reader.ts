import { Redis } from "ioredis";
import { describeError } from "../../errors";
import { formatAddress, type Endpoint } from "../endpoint";
import { ioredisOptions } from "../ioredis-options";
import { majorMinor } from "../topology";
import { psyncAccess, psyncRefused, type PsyncAccess } from "../source/psync-access";

export type SourceReader = "psync" | "scan";

/** What the status page, the wizard and the CLI say of a task read by the scan reader. */
export const SCAN_LABEL = "best effort: verify before switching (the source refuses PSYNC: keys are copied by SCAN + DUMP and followed by keyspace notifications)";

/** The replication id of a scan reader's checkpoint row: it marks a copy begun, no stream position. */
export const SCAN_REPLID = "scan";

/**
 * The reader a task runs with. "auto" asks every source master whether this account may replicate
 * (COMMAND INFO, ACL DRYRUN: nothing replicates): the scan reader when one refuses, PSYNC otherwise,
 * also when the answer is unknown (a real refusal then shows in the replication stream's error).
 */
export async function chooseSourceReader(
  wanted: "auto" | SourceReader,
  source: Endpoint,
  masters: Array<{ host: string; port: number }>,
  log: (level: "info" | "warn", message: string) => void,
): Promise<SourceReader> {
  if (wanted !== "auto") return wanted;
  const verdicts = await Promise.all(masters.map((m) => accessOf(source, m)));
  const refused = verdicts.find((v) => psyncRefused(v.access));
  if (!refused) return "psync";
  log("warn", `${refused.address} refuses replication (${refused.access.how}): the scan reader is used instead of PSYNC; ${SCAN_LABEL}`);
  return "scan";
}

async function accessOf(source: Endpoint, node: { host: string; port: number }): Promise<{ address: string; access: PsyncAccess }> {
  const address = formatAddress(node);
  const c = new Redis(ioredisOptions({ ...source, host: node.host, port: node.port }, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null }));
  c.on("error", () => {});
  try {
    await c.connect();
    const version = /redis_version:([^\r\n]+)/.exec(String(await c.info("server")))?.[1] ?? "";
    const major = majorMinor(version)?.[0] ?? 0;
    return { address, access: await psyncAccess(c, source.username ?? "default", major, version) };
  } catch (err) {
    return { address, access: { result: "unknown", how: describeError(err) } };
  } finally {
    c.disconnect();
  }
}
