/** The whitelist step's connectivity check of both sides, as the browser shows it. */

/** One node as the whitelist step shows it (nothing secret). */
export interface NodeCheck {
  address: string;
  role: "master" | "replica";
  ok: boolean;
  /** "Redis 7.0.15 (master, cluster)" or the cause of the failure */
  message: string;
  /** the address this engine connects from toward this node */
  localAddress: string | null;
}

export interface SideCheck {
  side: "source" | "destination";
  chosenMode: "standalone" | "cluster";
  /** what the seed node says it is, when it could tell */
  actualMode: "standalone" | "cluster" | null;
  nodes: NodeCheck[];
  localAddresses: string[];
  /** the account the engine uses: an ACL user, or the default user */
  username: string | null;
  problems: string[];
}

export interface WhitelistCheck {
  source: SideCheck;
  destination: SideCheck;
  /** one sentence per node (or side) that stops the synchronization; empty = Next may proceed */
  blocking: string[];
  /** other running tasks writing to the same destination */
  sharedDestination: string[];
  checkedAt: string;
}
