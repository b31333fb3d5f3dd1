import calculateSlot from "cluster-key-slot";
import { Redis } from "ioredis";
import type { RedisNode } from "../redis-harness";

/**
 * Connections to one side (the workload's to the source; the failure report's to both): per connection number, one ioredis client per master
 * (routed by slot here, so MULTI, SELECT, blocking pops and "this master only" commands go exactly
 * where the op says), and a second client per master for the calls that block. Masters are numbered
 * in slot order, as the generator numbers them.
 */
export class SideLink {
  private readonly slotOwner = new Int16Array(16384);
  private readonly clients = new Map<string, { c: Redis; db: number }>();
  private readonly ids = new Map<Redis, number>();

  private constructor(readonly masters: RedisNode[], private readonly cluster: boolean) {}

  static async open(masters: RedisNode[], cluster: boolean): Promise<SideLink> {
    if (!cluster) return new SideLink(masters.slice(0, 1), false);
    const probe = new Redis({ host: masters[0].host, port: masters[0].port, password: masters[0].options.password, lazyConnect: true });
    await probe.connect();
    try {
      const ranges = (await probe.call("CLUSTER", "SLOTS")) as Array<[number, number, [string, number, ...unknown[]]]>;
      ranges.sort((a, b) => a[0] - b[0]);
      const ordered: RedisNode[] = [];
      for (const [, , [, port]] of ranges) {
        const node = masters.find((m) => m.port === Number(port));
        if (!node) throw new Error(`CLUSTER SLOTS names a master on port ${port} the harness does not know`);
        if (!ordered.includes(node)) ordered.push(node);
      }
      const link = new SideLink(ordered, true);
      for (const [from, to, [, port]] of ranges) link.slotOwner.fill(ordered.findIndex((n) => n.port === Number(port)), from, to + 1);
      return link;
    } finally {
      probe.disconnect();
    }
  }

  masterOf(key: Buffer | null): number {
    return this.cluster && key ? this.slotOwner[calculateSlot(key)] : 0;
  }

  /** the client of workload connection `conn` on master `m`, in database `db` */
  async conn(conn: number, m: number, db: number, role: "main" | "block" = "main"): Promise<Redis> {
    const id = `${role}/${conn}/${m}`;
    let entry = this.clients.get(id);
    if (!entry) {
      const node = this.masters[m];
      const c = new Redis({ host: node.host, port: node.port, password: node.options.password, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true });
      c.on("error", () => {});
      entry = { c, db: 0 };
      this.clients.set(id, entry);
      if (role === "block") this.ids.set(c, Number(await c.call("CLIENT", "ID")));
    }
    if (entry.db !== db) {
      await entry.c.call("SELECT", db);
      entry.db = db;
    }
    return entry.c;
  }

  /** what a transaction's SELECT left selected on a connection */
  selected(conn: number, m: number, db: number): void {
    const entry = this.clients.get(`main/${conn}/${m}`);
    if (entry) entry.db = db;
  }

  /** true once the server shows the blocking client waiting */
  async isBlocked(conn: number, m: number): Promise<boolean> {
    const entry = this.clients.get(`block/${conn}/${m}`);
    const id = entry ? this.ids.get(entry.c) : undefined;
    if (id === undefined) return false;
    const main = this.clients.get(`main/${conn}/${m}`);
    const probe = main ? main.c : await this.conn(conn, m, 0);
    const line = String(await probe.call("CLIENT", "LIST", "ID", id));
    return / flags=\S*b/.test(line);
  }

  close(): void {
    for (const { c } of this.clients.values()) c.disconnect();
    this.clients.clear();
  }
}
