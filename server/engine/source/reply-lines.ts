import { DtsError } from "../../errors";

const LF = 10;
const MAX_LINE = 8 * 1024;

/**
 * Reads the one-line replies of the replica handshake (`+OK`, `-ERR …`, `+FULLRESYNC …`, `$EOF:…`)
 * from socket chunks. Bare "\n" before a reply are skipped: a master sends them as keep-alives while
 * it prepares the RDB (before +FULLRESYNC when a diskless sync waits for more replicas, and between
 * +FULLRESYNC and the payload while it saves to disk).
 *
 * The timeout of a step is a silence timeout: every byte (keep-alives included) restarts it, so a
 * slow BGSAVE does not fail the handshake while a host that says nothing does.
 */
export class ReplyLines {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: { resolve: (line: string) => void; reject: (err: Error) => void; timer: NodeJS.Timeout | null; timeoutMs: number; onTimeout: () => DtsError; onNotRedis: (seen: string) => DtsError } | null = null;
  private failure: Error | null = null;

  feed(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    if (this.waiter) this.restartTimer();
    this.settle();
  }

  /** the connection ended or failed: the pending and every later read reject with this */
  fail(err: Error): void {
    if (!this.failure) this.failure = err;
    this.settle();
  }

  /**
   * The next reply line without its CRLF. `onTimeout` and `onNotRedis` build the error for a silent
   * peer and for bytes that are not a RESP reply (an HTTP server, say).
   */
  next(timeoutMs: number, onTimeout: () => DtsError, onNotRedis: (seen: string) => DtsError): Promise<string> {
    if (this.waiter) throw new Error("ReplyLines.next called twice");
    return new Promise<string>((resolve, reject) => {
      this.waiter = { resolve, reject, timer: null, timeoutMs, onTimeout, onNotRedis };
      this.restartTimer();
      this.settle();
    });
  }

  /** bytes after the last line read (the start of the RDB transfer) */
  takeRest(): Buffer {
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }

  dispose(): void {
    if (this.waiter?.timer) clearTimeout(this.waiter.timer);
    this.waiter = null;
  }

  private restartTimer(): void {
    const w = this.waiter!;
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(() => this.finish(w.onTimeout()), w.timeoutMs);
  }

  private settle(): void {
    const w = this.waiter;
    if (!w) return;
    let start = 0;
    while (start < this.buf.length && this.buf[start] === LF) start++;
    if (start > 0) this.buf = this.buf.subarray(start);
    if (this.buf.length > 0 && !"+-$:".includes(String.fromCharCode(this.buf[0]))) {
      return this.finish(w.onNotRedis(printable(this.buf)));
    }
    const nl = this.buf.indexOf(LF);
    if (nl === -1) {
      if (this.buf.length > MAX_LINE) return this.finish(w.onNotRedis(printable(this.buf)));
      if (this.failure) this.finish(this.failure);
      return;
    }
    const end = nl > 0 && this.buf[nl - 1] === 13 ? nl - 1 : nl;
    const line = this.buf.toString("latin1", 0, end);
    this.buf = this.buf.subarray(nl + 1);
    this.finish(null, line);
  }

  private finish(err: Error | null, line?: string): void {
    const w = this.waiter;
    if (!w) return;
    if (w.timer) clearTimeout(w.timer);
    this.waiter = null;
    if (err) w.reject(err);
    else w.resolve(line!);
  }
}

/** the first line of what a peer sent, safe to show: printable ASCII, at most 60 characters */
export function printable(bytes: Buffer): string {
  const nl = bytes.indexOf(LF);
  const first = bytes.subarray(0, nl === -1 ? Math.min(bytes.length, 60) : Math.min(nl, 60));
  return first.toString("latin1").replace(/\r$/, "").replace(/[^\x20-\x7e]/g, "?");
}
