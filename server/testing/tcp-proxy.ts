import net from "node:net";

/**
 * A TCP relay between the engine and a Redis server, for tests that cut the network: it can drop
 * every open connection (with a reset, as a failing link does), refuse new connections for a while
 * (the listening socket is closed: connecting gets ECONNREFUSED), and restore service on the same
 * port. Bytes are relayed with back-pressure in both directions (pipe), so a slow side stays slow.
 */
export class TcpProxy {
  readonly host = "127.0.0.1";
  port = 0;
  /** connections accepted so far */
  accepted = 0;
  private server: net.Server | null = null;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private refuseTimer: NodeJS.Timeout | null = null;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.listen(port);
    return proxy;
  }

  /** redis://[:password@]127.0.0.1:<proxy port> */
  uri(password?: string): string {
    return `redis://${password !== undefined ? `:${encodeURIComponent(password)}@` : ""}${this.host}:${this.port}`;
  }

  get open(): number {
    return this.pairs.size;
  }

  get listening(): boolean {
    return this.server !== null;
  }

  /** Resets every relayed connection (both ends see ECONNRESET or a close). */
  dropAll(): void {
    for (const [a, b] of this.pairs) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.pairs.clear();
  }

  /** Stops accepting: connecting is refused until restore() (or after `ms`, when given). */
  async refuse(ms?: number): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (ms !== undefined) this.refuseTimer = setTimeout(() => void this.restore(), ms);
  }

  /** Drops every connection and refuses new ones: the network is cut. */
  async cut(): Promise<void> {
    this.dropAll();
    await this.refuse();
  }

  /** Accepts connections again, on the same port. */
  async restore(): Promise<void> {
    if (this.refuseTimer) clearTimeout(this.refuseTimer);
    this.refuseTimer = null;
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    this.dropAll();
    await this.refuse();
    if (this.refuseTimer) clearTimeout(this.refuseTimer);
  }

  private listen(port: number): Promise<void> {
    const server = net.createServer((client) => this.relay(client));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, this.host, () => {
        server.off("error", reject);
        this.port = (server.address() as net.AddressInfo).port;
        this.server = server;
        resolve();
      });
    });
  }

  private relay(client: net.Socket): void {
    this.accepted++;
    const upstream = net.connect(this.target);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    const end = () => {
      if (!this.pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    for (const s of pair) {
      s.setNoDelay(true);
      s.on("error", end);
      s.on("close", end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
