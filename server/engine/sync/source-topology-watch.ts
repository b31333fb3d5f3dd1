import { formatAddress, type Endpoint } from "../endpoint";
import { describeError } from "../../errors";
import { readReplicationHistory, SLOT_COUNT, type ReplicationHistory, type Topology, type TopologyNode } from "../topology";

type Ranges = Array<[number, number]>;

/** What the watch needs of a running shard. */
export interface WatchedShard {
  readonly address: string;
  readonly slots: Ranges;
  /** the replication id of the stream the shard follows (null before its first handshake) */
  readonly replicationId: string | null;
  setSlots(slots: Ranges): void;
}

export interface TopologyWatchOptions {
  /** the source cluster as one of its nodes describes it now; null when none answers */
  discover(): Promise<Topology | null>;
  shards(): WatchedShard[];
  /** starts a shard for a master that joined the source cluster */
  adopt(node: TopologyNode): Promise<void>;
  auth: Pick<Endpoint, "username" | "password" | "tls">;
  log(level: "info" | "warn" | "error", message: string): void;
}

/**
 * Follows a source cluster's slot map while the task runs. A failover is followed by the shard whose
 * master failed (it rediscovers); what this adds is resharding: slots that move between masters change
 * the shards' slot ranges (a master's FLUSHALL empties only its slots, a failover is looked up by one
 * of them, the heartbeat lives in one), and a master added to the cluster gets a shard of its own.
 * Keys that move are paired by the MigrationLedger (../apply/migration-ledger.ts).
 */
export class SourceTopologyWatch {
  private busy = false;

  constructor(private readonly o: TopologyWatchOptions) {}

  async check(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const t = await this.o.discover();
      if (!t || t.mode !== "cluster") return;
      const live = t.nodes.filter((n) => n.role === "master" && !n.failed && !n.flags.includes("handshake") && !n.flags.includes("noaddr"));
      const shards = this.o.shards();
      const newcomers = live.filter((n) => !shards.some((s) => s.address === formatAddress(n)));
      const histories = new Map<TopologyNode, ReplicationHistory>();
      for (const n of newcomers) {
        const h = await this.history(n);
        // without it, slots it took cannot be told a failover from a resharding: the map waits
        if (h) histories.set(n, h);
        else if (n.slots.length > 0) return;
      }
      const before = new Map(shards.map((s) => [s.address, s.slots]));
      const after = new Map<string, Ranges>();
      const heirs = new Set<TopologyNode>();
      for (const s of shards) {
        const m = live.find((n) => formatAddress(n) === s.address);
        // not a master now: a failover its shard follows by itself
        if (!m) continue;
        // A planned failover (CLUSTER FAILOVER) seen before the gossip marks the old master a replica:
        // it still looks like a master, and its slots belong to its promoted replica. That is no
        // resharding: the shard moves to the heir by itself (shard-sync's role watch) and keeps its
        // slots until then, or it would stop following them (and its failover) altogether.
        const heir = newcomers.find((n) => continuesHistory(histories.get(n), s.replicationId));
        if (heir) heirs.add(heir);
        after.set(s.address, heir ? s.slots : m.slots);
      }
      for (const n of newcomers) if (!heirs.has(n) && n.slots.length > 0) after.set(formatAddress(n), n.slots);
      for (const line of describeSlotMoves(before, after)) this.o.log("info", line);
      for (const s of shards) {
        const slots = after.get(s.address);
        if (slots && !sameRanges(slots, s.slots)) s.setSlots(slots);
      }
      for (const n of newcomers) {
        // a promoted replica carries its old master's history: that master's shard moves to it
        if (heirs.has(n) || !isFresh(histories.get(n))) continue;
        this.o.log("info", `new source master ${formatAddress(n)} joined the cluster (${n.slots.length ? `slots ${formatRanges(n.slots)}` : "no slots yet"}); synchronizing it from its own full data, keys it took over from other masters overwrite theirs`);
        await this.o.adopt(n);
      }
    } catch (err) {
      this.o.log("warn", `the source cluster's slot map could not be read: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  /** masters without a shard that did not answer, and why: said once, until they answer */
  private unanswered = new Map<string, string>();

  /**
   * A newcomer's replication history; null when it is no master any more (the map is older than its
   * answer) or cannot be asked now, which is said in the task's events.
   */
  private async history(n: TopologyNode): Promise<ReplicationHistory | null> {
    const address = formatAddress(n);
    try {
      const h = await readReplicationHistory({ ...this.o.auth, host: n.host, port: n.port }, { timeoutMs: 2000 });
      if (this.unanswered.delete(address)) this.o.log("info", `source master ${address} answers again`);
      return h.role === "master" ? h : null;
    } catch (err) {
      const why = describeError(err);
      if (this.unanswered.get(address) !== why) {
        this.unanswered.set(address, why);
        this.o.log("warn", `source master ${address}, which no shard follows yet, cannot be asked for its replication history (${why}): ${n.slots.length ? "slot moves are not followed until it answers, as a failover cannot be told from a resharding" : "it is synchronized once it answers"}`);
      }
      return null;
    }
  }
}

/** a master with no replication history of another (master_replid2 unset): added, not promoted */
function isFresh(h: ReplicationHistory | undefined): boolean {
  return !!h && h.replid2 === null;
}

/** the master took over the stream a shard follows: a replica of the shard's master, promoted */
function continuesHistory(h: ReplicationHistory | undefined, replid: string | null): boolean {
  return !!h && !!replid && replid !== "?" && (h.replid === replid || h.replid2 === replid);
}

/** "slots 0-1499 moved from A to B" lines: the difference between two slot maps, by address. */
export function describeSlotMoves(before: Map<string, Ranges>, after: Map<string, Ranges>): string[] {
  // the usual answer of a check every second: nothing moved (two 16384-slot maps cost ms a check)
  if (sameSlotMaps(before, after)) return [];
  const owner = (m: Map<string, Ranges>) => {
    const out = new Array<string | null>(SLOT_COUNT).fill(null);
    for (const [addr, ranges] of m) for (const [a, b] of ranges) for (let s = a; s <= b; s++) out[s] = addr;
    return out;
  };
  const was = owner(before);
  const now = owner(after);
  const moves = new Map<string, Ranges>();
  for (let s = 0; s < SLOT_COUNT; s++) {
    // an owner that is no master any more failed over: its shard follows, nothing was resharded
    if (was[s] === now[s] || was[s] === null || now[s] === null || !after.has(was[s]!)) continue;
    const pair = `${was[s]} to ${now[s]}`;
    let r = moves.get(pair);
    if (!r) moves.set(pair, (r = []));
    const last = r[r.length - 1];
    if (last && last[1] === s - 1) last[1] = s;
    else r.push([s, s]);
  }
  return [...moves].map(([pair, r]) => {
    const n = r.reduce((k, [a, b]) => k + b - a + 1, 0);
    return `source resharding: ${n === 1 ? "slot" : `${n} slots`} ${formatRanges(r)} moved from ${pair}; the task follows (keys in flight are paired, none applied twice or deleted)`;
  });
}

function sameSlotMaps(a: Map<string, Ranges>, b: Map<string, Ranges>): boolean {
  if (a.size !== b.size) return false;
  for (const [addr, ra] of a) {
    const rb = b.get(addr);
    if (!rb || ra.length !== rb.length) return false;
    for (let i = 0; i < ra.length; i++) if (ra[i][0] !== rb[i][0] || ra[i][1] !== rb[i][1]) return false;
  }
  return true;
}

export function formatRanges(r: Ranges, max = 4): string {
  const parts = r.slice(0, max).map(([a, b]) => (a === b ? String(a) : `${a}-${b}`));
  return r.length > max ? `${parts.join(", ")} and ${r.length - max} more ranges` : parts.join(", ");
}

function sameRanges(a: Ranges, b: Ranges): boolean {
  return a.length === b.length && a.every(([x, y], i) => b[i][0] === x && b[i][1] === y);
}
