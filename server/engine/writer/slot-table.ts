import { DtsError } from "../../errors";
import { discoverTopology, masters, type NodeTarget, type Topology } from "../topology";

export const SLOT_COUNT = 16384;

interface Address {
  host: string;
  port: number;
}

/**
 * Which master serves each of the 16384 slots. Filled from the cluster's own description
 * (CLUSTER NODES through the topology module), patched by MOVED replies, and refreshed after a node
 * is lost or refuses writes as a replica. Generic over the link type so it knows nothing of sockets.
 */
export class SlotTable<L = unknown> {
  private readonly addresses: (Address | null)[] = new Array(SLOT_COUNT).fill(null);
  private readonly links: (L | undefined)[] = new Array(SLOT_COUNT).fill(undefined);
  private distinct: L[] | null = null;

  /** standalone destinations: one node serves everything */
  static single<L>(host: string, port: number): SlotTable<L> {
    const t = new SlotTable<L>();
    t.addresses.fill({ host, port });
    return t;
  }

  static fromTopology<L>(topology: Topology): SlotTable<L> {
    const t = new SlotTable<L>();
    t.load(topology);
    return t;
  }

  owner(slot: number): L | undefined {
    return this.links[slot];
  }

  /** distinct links serving slots */
  owners(): L[] {
    if (this.distinct === null) this.distinct = [...new Set(this.links.filter((l): l is L => l !== undefined))];
    return this.distinct;
  }

  /** a MOVED reply: the slot belongs to `link` from now on */
  assign(slot: number, link: L & Address): void {
    this.addresses[slot] = { host: link.host, port: link.port };
    this.links[slot] = link;
    this.distinct = null;
  }

  /** Maps every slot's address to a link. */
  resolve(linkFor: (host: string, port: number) => L): void {
    for (let s = 0; s < SLOT_COUNT; s++) {
      const a = this.addresses[s];
      this.links[s] = a === null ? undefined : linkFor(a.host, a.port);
    }
    this.distinct = null;
  }

  /** Asks the seeds in turn for the current slot map; throws when none answers or slots are unserved. */
  async refresh(seeds: Address[], credentials: Omit<NodeTarget, "host" | "port">): Promise<void> {
    let last: unknown;
    for (const seed of seeds) {
      try {
        const topology = await discoverTopology({ ...credentials, ...seed }, { timeoutMs: 3000 });
        if (topology.mode !== "cluster") throw new DtsError("INVALID_CONFIG", `${seed.host}:${seed.port} is no longer a cluster node`);
        this.load(topology);
        return;
      } catch (err) {
        last = err;
      }
    }
    throw last instanceof Error ? last : new DtsError("CONNECT_FAILED", "no destination node answered");
  }

  private load(topology: Topology): void {
    const next: (Address | null)[] = new Array(SLOT_COUNT).fill(null);
    let covered = 0;
    for (const m of masters(topology)) {
      if (m.failed) continue;
      for (const [from, to] of m.slots) {
        for (let s = Math.max(0, from); s <= Math.min(SLOT_COUNT - 1, to); s++) {
          if (next[s] === null) covered++;
          next[s] = { host: m.host, port: m.port };
        }
      }
    }
    if (covered < SLOT_COUNT) throw new DtsError("WRITE_REFUSED", `the destination cluster serves ${covered} of ${SLOT_COUNT} slots`);
    for (let s = 0; s < SLOT_COUNT; s++) this.addresses[s] = next[s];
  }
}
