import { Redis } from "ioredis";
import { ioredisOptions } from "../ioredis-options";
import type { TlsConfig } from "../tls";

export type SourceRole = { role: "master" } | { role: "replica"; master: string };

/**
 * Asks a source master, every few seconds, whether it still is one. A dead master breaks the
 * replication stream, and the shard follows the failover; a planned one (CLUSTER FAILOVER, a
 * REPLICAOF) does not: the demoted node goes on forwarding its new master's stream as a chained
 * replica, so the shard must notice the role change itself and move to the current master.
 */
export class SourceRoleWatch {
  private client: Redis | null = null;
  private address = "";
  private inFlight = false;

  constructor(private readonly auth: { username?: string; password?: string; tls?: TlsConfig }) {}

  /** The node's role, or null when it cannot be asked now (unreachable, ROLE refused). */
  async check(node: { host: string; port: number }): Promise<SourceRole | null> {
    if (this.inFlight) return null;
    const address = `${node.host}:${node.port}`;
    if (this.address !== address) {
      this.close();
      this.address = address;
      this.client = new Redis(ioredisOptions({ ...this.auth, host: node.host, port: node.port }, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 }));
      this.client.on("error", () => {});
    }
    this.inFlight = true;
    try {
      const reply = (await this.client!.call("ROLE")) as unknown[];
      const role = String(reply?.[0] ?? "");
      if (role === "slave" || role === "replica") return { role: "replica", master: `${String(reply[1])}:${String(reply[2])}` };
      return { role: "master" };
    } catch {
      return null;
    } finally {
      this.inFlight = false;
    }
  }

  close(): void {
    this.client?.disconnect();
    this.client = null;
    this.address = "";
  }
}
