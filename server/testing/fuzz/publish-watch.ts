import { Redis } from "ioredis";
import { waitFor } from "../redis-harness";
import type { FuzzSide } from "./env";

/**
 * A subscriber on the destination for the workload's channels (`fz:*`): every PUBLISH the source
 * accepted must arrive once. On a cluster destination a PUBLISH reaches every node over the bus, so
 * one node is enough. Pub/sub is at-most-once: rounds that kill the engine do not count a lost
 * message, only one that arrives twice or was never published.
 */
export class PublishWatch {
  readonly received = new Map<string, string[]>();
  private constructor(private readonly client: Redis) {}

  static async open(target: FuzzSide): Promise<PublishWatch> {
    const node = target.masters[0];
    const client = new Redis({ host: node.host, port: node.port, password: node.options.password });
    client.on("error", () => {});
    const watch = new PublishWatch(client);
    client.on("pmessage", (_pattern: string, channel: string, message: string) => {
      const list = watch.received.get(channel) ?? [];
      list.push(message);
      watch.received.set(channel, list);
    });
    await client.psubscribe("fz:*");
    return watch;
  }

  get count(): number {
    let n = 0;
    for (const l of this.received.values()) n += l.length;
    return n;
  }

  /** waits (up to `timeoutMs`) until as many messages arrived as were published */
  async settle(expected: number, timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.count >= expected, timeoutMs, "published messages on the destination").catch(() => {});
  }

  /**
   * Problems with what arrived: messages never published, and unless `afterKill`, messages lost;
   * messages that arrived twice count unless `duplicatesAllowed`.
   */
  check(published: Map<string, string[]>, afterKill: boolean, duplicatesAllowed = false): string | null {
    const sent = new Map<string, number>();
    for (const [ch, msgs] of published) for (const m of msgs) sent.set(`${ch} ${m}`, (sent.get(`${ch} ${m}`) ?? 0) + 1);
    const got = new Map<string, number>();
    for (const [ch, msgs] of this.received) for (const m of msgs) got.set(`${ch} ${m}`, (got.get(`${ch} ${m}`) ?? 0) + 1);
    const missing = [...sent].filter(([k, n]) => (got.get(k) ?? 0) < n).map(([k]) => k);
    const unknown = [...got].filter(([k]) => !sent.has(k)).map(([k]) => k);
    const twice = [...got].filter(([k, n]) => n > (sent.get(k) ?? 0) && sent.has(k)).map(([k]) => k);
    const problems: string[] = [];
    if (unknown.length) problems.push(`${unknown.length} never published (${unknown.slice(0, 3).join("; ")})`);
    if (!afterKill && missing.length) problems.push(`${missing.length} of ${[...sent.values()].reduce((a, b) => a + b, 0)} never arrived (${missing.slice(0, 3).join("; ")})`);
    if (twice.length && !duplicatesAllowed) problems.push(`${twice.length} arrived more than once (${twice.slice(0, 3).join("; ")})`);
    return problems.length ? `PUBLISH on the destination: ${problems.join(", ")}` : null;
  }

  close(): void {
    this.client.disconnect();
  }
}
