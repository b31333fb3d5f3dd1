import { PipelineConnection } from "../writer/connection";
import { ReplyError, type RespValue } from "../resp/values";
import type { Endpoint } from "../endpoint";
import type { CommandArg, CommandRunner } from "../keys/command-runner";

/**
 * A CommandRunner on the engine's pipelined connection: a batch is encoded straight into the
 * connection's staging buffer and answered through one Promise, where a general-purpose client
 * spends a Promise, an object and a timer on every command. Batches are answered in order.
 */
export class PipelineRunner implements CommandRunner {
  private readonly waiting: { replies: unknown[]; need: number; resolve(r: unknown[]): void; reject(e: Error): void }[] = [];

  private constructor(private readonly conn: PipelineConnection) {
    conn.sink = {
      onReply: (reply) => this.onReply(reply),
      onDrain() {},
      onClose: (err) => {
        for (const w of this.waiting.splice(0)) w.reject(err);
      },
    };
  }

  static async open(node: Endpoint, db: number): Promise<PipelineRunner> {
    const conn = await PipelineConnection.open({ host: node.host, port: node.port, username: node.username, password: node.password, tls: node.tls, clientName: "redis-dts-compare" });
    conn.select(db);
    return new PipelineRunner(conn);
  }

  batch(commands: CommandArg[][]): Promise<unknown[]> {
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const entry = { replies: [] as unknown[], need: commands.length, resolve, reject };
      this.waiting.push(entry);
      try {
        for (const argv of commands) this.conn.write(argv.map((a) => (typeof a === "number" ? String(a) : a)));
      } catch (err) {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(err as Error);
      }
    });
  }

  close(): void {
    if (this.conn.open) this.conn.destroy();
  }

  private onReply(reply: RespValue): void {
    const head = this.waiting[0];
    if (!head) return;
    head.replies.push(reply instanceof ReplyError ? reply.toError() : reply);
    if (head.replies.length === head.need) {
      this.waiting.shift();
      head.resolve(head.replies);
    }
  }
}
