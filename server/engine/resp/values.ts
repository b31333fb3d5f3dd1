import { DtsError } from "../../errors";

/**
 * What the RESP decoder produces. Bulk strings stay Buffers (binary-safe, zero-copy when they sit
 * inside one socket chunk); simple strings become JS strings because they are short protocol words.
 */
export type RespValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Buffer
  | ReplyError
  | RespPush
  | RespValue[];

/**
 * A server's `-ERR ...` reply: it belongs to one command and is a value, not a broken connection.
 * Not an Error subclass on purpose: capturing a stack for every MOVED/BUSYKEY reply costs more than
 * decoding it. `toError()` makes a throwable when a caller wants one.
 */
export class ReplyError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
  /** first word of the message: "ERR", "MOVED", "BUSYKEY", "OOM", ... */
  get code(): string {
    const space = this.message.indexOf(" ");
    return space === -1 ? this.message : this.message.slice(0, space);
  }
  toError(): Error {
    const err = new Error(this.message);
    err.name = "ReplyError";
    return err;
  }
  toString(): string {
    return this.message;
  }
}

/** A RESP3 out-of-band push (`>`): never the reply to a command. */
export class RespPush {
  readonly items: RespValue[];
  constructor(items: RespValue[]) {
    this.items = items;
  }
}

/**
 * The byte stream is not RESP (or breaks a limit): fatal for the connection, because nothing after
 * the bad byte can be trusted to line up with a command.
 */
export class ProtocolError extends DtsError {
  /** absolute stream offset of the offending byte */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super("PROTOCOL_ERROR", `protocol error at byte ${offset}: ${message}`);
    this.name = "ProtocolError";
    this.offset = offset;
  }
}

export function isReplyError(value: unknown): value is ReplyError {
  return value instanceof ReplyError;
}

/** Text of a reply for messages and simple checks (bulk strings decoded as UTF-8). */
export function replyToString(value: RespValue): string {
  if (value === null) return "(nil)";
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (Array.isArray(value)) return `[${value.map(replyToString).join(", ")}]`;
  if (value instanceof RespPush) return `>${replyToString(value.items)}`;
  return String(value);
}
