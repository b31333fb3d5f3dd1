import type { DtsError } from "../../errors";
import { ReplyError, type RespValue } from "../resp/values";
import type { RingEntry } from "./command-ring";
import { WRITE_BATCH, WRITE_NOT_SET } from "./types";
import type { ConnectionSink, PipelineConnection, UnansweredCommand } from "./connection";

/** What a link reports to (the writer). */
export interface LinkOwner {
  /** slots with a refused command since the last resend, or null */
  readonly refusedSlots: Uint8Array | null;
  onAck(): void;
  onOvertaken(link: NodeLink, e: RingEntry): void;
  onErrorReply(link: NodeLink, err: ReplyError, e: RingEntry): void;
  /** an accepted command whose reply array carries an error (a command inside EXEC failed) */
  onInnerError(link: NodeLink, err: ReplyError, e: RingEntry, index: number): void;
  onLinkDrain(): void;
  onLinkLost(link: NodeLink, err: DtsError, unanswered: UnansweredCommand[]): void;
}

const NOT_SET = new ReplyError("BUSYKEY a key of the command already exists, so it set none");

/** One destination node: the connection's reply sink, forwarding to the writer. */
export class NodeLink implements ConnectionSink {
  conn: PipelineConnection | null = null;
  everConnected = false;
  constructor(
    private readonly w: LinkOwner,
    readonly host: string,
    readonly port: number,
  ) {}
  get address(): string {
    return this.host.includes(":") ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }
  get usable(): boolean {
    return this.conn !== null && this.conn.open;
  }
  onReply(reply: RespValue, e: RingEntry): void {
    if (reply instanceof ReplyError) this.w.onErrorReply(this, reply, e);
    else if (reply === 0 && (e.flags & WRITE_NOT_SET) !== 0) this.w.onErrorReply(this, NOT_SET, e);
    else {
      if (Array.isArray(reply)) {
        // only EXEC puts errors inside an array reply: one per failed command of the transaction
        for (let i = 0; i < reply.length; i++) if (reply[i] instanceof ReplyError) this.w.onInnerError(this, reply[i] as ReplyError, e, i);
      }
      // a batch (slot -1, several keys) overtook a refused write when any slot is marked
      if (this.w.refusedSlots !== null && (e.slot >= 0 ? this.w.refusedSlots[e.slot] === 1 : (e.flags & WRITE_BATCH) !== 0)) this.w.onOvertaken(this, e);
      this.w.onAck();
    }
  }
  onDrain(): void {
    this.w.onLinkDrain();
  }
  onClose(err: DtsError, unanswered: UnansweredCommand[]): void {
    this.w.onLinkLost(this, err, unanswered);
  }
}
