import { withControl, type ControlOptions, type NodeTarget } from "./control";
import { parseInfo } from "./info";

/** Where a node's replication stream comes from, as its INFO replication says. */
export interface ReplicationHistory {
  role: "master" | "replica";
  replid: string;
  /** the id it continued from (a promoted replica: its old master's); null when it has none */
  replid2: string | null;
}

/**
 * The replication ids a node reports. A stream that goes on under another node (a promoted replica,
 * a restarted master) is recognized by them: its current or previous id is the one followed so far.
 */
export async function readReplicationHistory(target: NodeTarget, opts: ControlOptions = {}): Promise<ReplicationHistory> {
  return withControl(target, opts, async (client) => {
    const f = parseInfo(String(await client.call("INFO", "replication")));
    const replid2 = f.master_replid2 ?? "";
    return {
      role: f.role === "master" ? "master" : "replica",
      replid: f.master_replid ?? "",
      replid2: replid2 && !/^0+$/.test(replid2) ? replid2 : null,
    };
  });
}

/** the ids of the history, newest first (an unset previous id left out) */
export function historyIds(h: ReplicationHistory): string[] {
  return [h.replid, h.replid2].filter((x): x is string => Boolean(x) && !/^0+$/.test(x!));
}
