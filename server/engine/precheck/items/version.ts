import { majorMinor, compareMajorMinor, type ServerIdentity } from "../../topology";
import { failed, passed, warning, type PrecheckItem } from "../types";
import { blockedReason, listSome, usableNodes, type Side } from "../context";

const OLDEST_SUPPORTED: [number, number] = [2, 8];

function productName(s: ServerIdentity): string {
  return `${s.implementation === "valkey" ? "Valkey" : "Redis"} ${s.version}`;
}

/** The versions on a side's usable nodes, oldest first (by the Redis version they speak). */
function versions(side: Side): { address: string; server: ServerIdentity; mm: [number, number] }[] {
  const out = [];
  for (const n of usableNodes(side)) {
    const server = n.probe.server;
    const mm = majorMinor(server?.redisVersion);
    if (server && mm) out.push({ address: n.address, server, mm });
  }
  return out.sort((a, b) => compareMajorMinor(a.mm, b.mm));
}

/** Source 2.8, 3.0, 3.2, 4.0, 5.0 and later; mixed versions inside a cluster are a warning. */
export function sourceVersionItem(source: Side): PrecheckItem {
  const id = "source_version";
  const blocked = blockedReason(source);
  if (blocked) return failed(id, blocked, "Fix the source connectivity and authentication first.");
  const all = versions(source);
  if (all.length === 0) return failed(id, `the source did not report a version (INFO redis_version missing on ${source.seed.address})`, "Check that the source is a Redis server (2.8 or later).");
  const oldest = all[0];
  if (compareMajorMinor(oldest.mm, OLDEST_SUPPORTED) < 0) {
    return failed(id, `${oldest.address} runs ${productName(oldest.server)}; supported sources are 2.8, 3.0, 3.2, 4.0, 5.0 and later`, "Upgrade the source to Redis 2.8 or later (PSYNC appeared in 2.8).");
  }
  const distinct = [...new Set(all.map((v) => productName(v.server)))];
  if (distinct.length > 1) {
    return warning(
      id,
      `the source nodes run different versions: ${listSome(all.map((v) => `${v.address} ${productName(v.server)}`))}`,
      "Finish the rolling upgrade before synchronizing: a failover to a node of another version changes the data formats the synchronization receives.",
    );
  }
  return passed(id, `The source runs ${distinct[0]} (${all.length === 1 ? "1 node" : `all ${all.length} nodes`}); supported.`);
}

/** The destination is the same major.minor as the source or later; another implementation is a warning. */
export function targetVersionItem(source: Side, target: Side): PrecheckItem {
  const id = "target_version";
  const blocked = blockedReason(target) ?? blockedReason(source);
  if (blocked) return failed(id, blocked, "Fix the connectivity and authentication of both sides first.");
  const src = versions(source);
  const dst = versions(target);
  if (src.length === 0 || dst.length === 0) return failed(id, "a side did not report its version (INFO redis_version missing)", "Check that both sides are Redis servers.");
  const newestSource = src[src.length - 1];
  const oldestTarget = dst[0];
  const s = newestSource.server;
  const t = oldestTarget.server;
  if (compareMajorMinor(oldestTarget.mm, newestSource.mm) < 0) {
    return failed(
      id,
      `the destination ${oldestTarget.address} runs ${productName(t)}, older than the source's ${productName(s)}: data types and encodings of a newer source may not load on an older destination`,
      `Use a destination running ${s.redisVersion.split(".").slice(0, 2).join(".")} or later, or upgrade the destination.`,
    );
  }
  if (s.implementation !== t.implementation) {
    return warning(
      id,
      `the source runs ${productName(s)} and the destination ${productName(t)} (Redis ${t.redisVersion} compatible): a different implementation; most data and commands are compatible, but newer or implementation-specific features may not be`,
      "Verify compatibility on a test destination first, or use the same implementation on both sides.",
    );
  }
  return passed(id, `The destination runs ${productName(t)}, the same as or later than the source's ${productName(s)}.`);
}
