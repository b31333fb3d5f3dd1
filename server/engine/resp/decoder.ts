import { ProtocolError, ReplyError, RespPush, type RespValue } from "./values";
import { viewOf } from "./buffer-view";

export interface RespDecoderOptions {
  /** deepest aggregate nesting accepted (a hostile `*1\r\n*1\r\n...` must not blow the stack) */
  maxDepth?: number;
  /** most elements one aggregate may announce */
  maxArrayLength?: number;
  /** largest bulk string (Redis' own proto-max-bulk-len default is 512 MB) */
  maxBulkLength?: number;
  /** longest header / simple string / error line */
  maxLineLength?: number;
  /** skip bare "\n" / "\r\n" between top-level values (a master's keep-alives before +FULLRESYNC) */
  skipBlankLines?: boolean;
}

/** Called once per top-level value with its exact byte range [start, end) in the stream. */
export type RespValueHandler = (value: RespValue, start: number, end: number) => void;

const ARRAY = 0, MAP = 1, SET = 2, PUSH = 3, ATTRIBUTE = 4;
interface Frame {
  kind: number;
  items: RespValue[];
  remaining: number;
}

const CR = 13, LF = 10;
const INCOMPLETE = -2;
const TYPE_BYTES = new Uint8Array(256);
for (const c of "$!=*~>%|:+-,#_(") TYPE_BYTES[c.charCodeAt(0)] = 1;

/**
 * Push-based RESP2/RESP3 decoder. `write(chunk)` consumes bytes with a cursor and resumes across chunks
 * at any byte; a bulk string split over chunks is joined once when complete. Chunks are referenced
 * (zero-copy bulk strings): do not modify a buffer after writing it.
 *
 * Offsets are absolute stream byte counts: a replication offset is exactly the bytes consumed.
 * Protocol errors are thrown as ProtocolError and every later write throws it again (fatal).
 * An exception thrown by the handler propagates; `offset` then tells how far the stream was consumed.
 */
export class RespDecoder {
  private readonly onValue: RespValueHandler;
  private readonly maxDepth: number;
  private readonly maxArrayLength: number;
  private readonly maxBulkLength: number;
  private readonly maxLineLength: number;
  private readonly skipBlankLines: boolean;

  private consumed = 0;
  private valueStart = -1;
  private readonly stack: Frame[] = [];
  private failed: ProtocolError | null = null;
  private paused = false;
  /** a header line split across chunks, copied (lines are short and bounded) */
  private lineParts: Buffer[] | null = null;
  private lineLength = 0;
  /** a bulk string in progress: its type byte, bytes still to come, pieces so far */
  private bulkType = 0;
  private bulkNeed = 0;
  private bulkLength = 0;
  private bulkParts: Buffer[] = [];
  private crlfNeed = 0;
  /** header parse results (avoids allocating a tuple per header) */
  private next = 0;

  constructor(onValue: RespValueHandler, options: RespDecoderOptions = {}) {
    this.onValue = onValue;
    this.maxDepth = options.maxDepth ?? 64;
    this.maxArrayLength = options.maxArrayLength ?? 16 * 1024 * 1024;
    this.maxBulkLength = options.maxBulkLength ?? 512 * 1024 * 1024;
    this.maxLineLength = options.maxLineLength ?? 64 * 1024;
    this.skipBlankLines = options.skipBlankLines ?? false;
  }

  /** bytes of the stream consumed so far (including a value still in progress) */
  get offset(): number {
    return this.consumed;
  }

  /** true between values: no partial value buffered */
  get idle(): boolean {
    return this.valueStart === -1 && this.lineParts === null && this.bulkType === 0 && this.stack.length === 0;
  }

  /**
   * Called from the handler: `write` returns right after the current value, leaving the rest of the
   * chunk unconsumed (e.g. a replica handshake switching to the raw RDB transfer).
   */
  pause(): void {
    this.paused = true;
  }

  /** Feeds bytes; returns how many bytes of `chunk` were consumed (all of them unless paused). */
  write(chunk: Buffer): number {
    if (this.failed) throw this.failed;
    this.paused = false;
    const base = this.consumed;
    const end = chunk.length;
    let pos = 0;
    try {
      while (pos < end && !this.paused) {
        if (this.bulkType !== 0) pos = this.continueBulk(chunk, pos, end, base);
        else if (this.lineParts !== null) pos = this.continueLine(chunk, pos, end, base);
        else {
          if (this.valueStart === -1) {
            if (this.skipBlankLines && this.stack.length === 0 && (chunk[pos] === LF || chunk[pos] === CR)) {
              if (chunk[pos] === CR && pos + 1 < end && chunk[pos + 1] !== LF) throw new ProtocolError("stray carriage return", base + pos);
              this.consumed = base + ++pos;
              continue;
            }
            this.valueStart = base + pos;
          }
          const after = this.header(chunk, pos, end, base);
          if (after === INCOMPLETE) {
            this.stashLine(chunk.subarray(pos, end), base + pos);
            pos = end;
          } else pos = after;
        }
        this.consumed = base + pos;
      }
    } catch (err) {
      if (err instanceof ProtocolError) this.failed = err;
      throw err;
    }
    this.consumed = base + pos;
    return pos;
  }

  private stashLine(piece: Buffer, at: number): void {
    this.lineLength += piece.length;
    if (this.lineLength > this.maxLineLength) throw new ProtocolError(`line longer than ${this.maxLineLength} bytes`, at);
    (this.lineParts ??= []).push(Buffer.from(piece));
  }

  private continueLine(chunk: Buffer, pos: number, end: number, base: number): number {
    const nl = chunk.indexOf(LF, pos);
    if (nl === -1 || nl >= end) {
      this.stashLine(chunk.subarray(pos, end), base + pos);
      return end;
    }
    this.stashLine(chunk.subarray(pos, nl + 1), base + pos);
    const parts = this.lineParts!;
    this.lineParts = null;
    const line = Buffer.concat(parts, this.lineLength);
    const lineStart = base + pos - (this.lineLength - (nl + 1 - pos));
    this.lineLength = 0;
    // the joined line ends in "\n"; absolute positions inside it map back to lineStart + i
    const after = this.header(line, 0, line.length, lineStart);
    if (after !== line.length) throw new ProtocolError("malformed line", lineStart);
    return nl + 1;
  }

  /** Reads one complete line ending with CRLF starting at `p`; returns the CR index or INCOMPLETE. */
  private lineEnd(buf: Buffer, p: number, end: number, base: number): number {
    const limit = Math.min(end, p + this.maxLineLength + 1);
    for (let i = p; i < limit; i++) {
      if (buf[i] === CR) {
        if (i + 1 >= end) return INCOMPLETE;
        if (buf[i + 1] !== LF) throw new ProtocolError("expected \\n after \\r", base + i + 1);
        return i;
      }
      if (buf[i] === LF) throw new ProtocolError("bare \\n in a line", base + i);
    }
    if (limit < end) throw new ProtocolError(`line longer than ${this.maxLineLength} bytes`, base + p);
    return INCOMPLETE;
  }

  /** Parses a decimal integer line at `p` (after the type byte); sets `next`; INCOMPLETE if cut. */
  private integer(buf: Buffer, p: number, end: number, base: number): number | bigint | undefined {
    let i = p;
    let negative = false;
    if (i < end && buf[i] === 45) {
      negative = true;
      i++;
    }
    const digitsStart = i;
    let n = 0;
    while (i < end) {
      const c = buf[i];
      if (c >= 48 && c <= 57) {
        n = n * 10 + (c - 48);
        i++;
        if (i - digitsStart > 20) throw new ProtocolError("integer too long", base + p);
        continue;
      }
      if (c !== CR) throw new ProtocolError(`unexpected byte 0x${c.toString(16)} in an integer`, base + i);
      if (i === digitsStart) throw new ProtocolError("empty integer", base + i);
      if (i + 1 >= end) return undefined;
      if (buf[i + 1] !== LF) throw new ProtocolError("expected \\n after \\r", base + i + 1);
      this.next = i + 2;
      if (i - digitsStart > 15) {
        const big = BigInt(buf.toString("latin1", digitsStart, i));
        const signed = negative ? -big : big;
        return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(signed) : signed;
      }
      return negative ? -n : n;
    }
    return undefined;
  }

  private length(buf: Buffer, p: number, end: number, base: number, max: number, what: string): number {
    const n = this.integer(buf, p, end, base);
    if (n === undefined) return INCOMPLETE;
    if (typeof n !== "number" || n < -1) throw new ProtocolError(`invalid ${what} length`, base + p);
    if (n > max) throw new ProtocolError(`${what} length ${n} exceeds the limit of ${max}`, base + p);
    return n;
  }

  /** Parses the header (or whole small value) at `p`; returns the position after it or INCOMPLETE. */
  private header(buf: Buffer, p: number, end: number, base: number): number {
    const type = buf[p];
    if (TYPE_BYTES[type] !== 1) throw new ProtocolError(`unexpected byte 0x${type.toString(16)} where a RESP type was expected`, base + p);
    if (p + 1 >= end) return INCOMPLETE;
    switch (type) {
      case 36: // $ bulk string
      case 33: // ! blob error
      case 61: {
        // = verbatim string
        const n = this.length(buf, p + 1, end, base, this.maxBulkLength, "bulk");
        if (n === INCOMPLETE) return INCOMPLETE;
        const start = this.next;
        if (n === -1) {
          if (type !== 36) throw new ProtocolError("null blob", base + p);
          return this.emit(null, base + start, start);
        }
        if (start + n + 2 <= end) {
          if (buf[start + n] !== CR || buf[start + n + 1] !== LF) throw new ProtocolError("bulk string not followed by \\r\\n", base + start + n);
          return this.emit(this.bulkValue(type, buf.subarray(start, start + n), base + start), base + start + n + 2, start + n + 2);
        }
        this.bulkType = type;
        this.bulkLength = n;
        this.bulkNeed = n;
        this.bulkParts = [];
        this.crlfNeed = 2;
        return start;
      }
      case 42: {
        // * array: one of bulk strings lying whole in this chunk (every command, a replication
        // stream) is read in one pass; anything else takes the general path below
        if (this.stack.length === 0) {
          const q = this.bulkArray(buf, p, end);
          if (q >= 0) return q;
        }
      }
      // falls through
      case 126: // ~ set
      case 62: // > push
      case 37: // % map
      case 124: {
        // | attribute
        const pairs = type === 37 || type === 124;
        const n = this.length(buf, p + 1, end, base, pairs ? this.maxArrayLength >>> 1 : this.maxArrayLength, "aggregate");
        if (n === INCOMPLETE) return INCOMPLETE;
        const after = this.next;
        if (n === -1) {
          if (type !== 42) throw new ProtocolError("null aggregate", base + p);
          return this.emit(null, base + after, after);
        }
        const kind = type === 42 ? ARRAY : type === 126 ? SET : type === 62 ? PUSH : type === 37 ? MAP : ATTRIBUTE;
        if (n === 0) {
          if (kind === ATTRIBUTE) return after;
          return this.emit(kind === PUSH ? new RespPush([]) : [], base + after, after);
        }
        if (this.stack.length >= this.maxDepth) throw new ProtocolError(`nesting deeper than ${this.maxDepth}`, base + p);
        this.stack.push({ kind, items: [], remaining: pairs ? n * 2 : n });
        return after;
      }
      case 58: {
        // : integer
        const n = this.integer(buf, p + 1, end, base);
        if (n === undefined) return INCOMPLETE;
        const after = this.next;
        return this.emit(n, base + after, after);
      }
      case 43: // + simple string
      case 45: // - error
      case 44: // , double
      case 35: // # boolean
      case 95: // _ null
      case 40: {
        // ( big number
        const cr = this.lineEnd(buf, p + 1, end, base);
        if (cr === INCOMPLETE) return INCOMPLETE;
        return this.emit(this.lineValue(type, buf, p + 1, cr, base), base + cr + 2, cr + 2);
      }
      default:
        throw new ProtocolError(`unexpected byte 0x${type.toString(16)} where a RESP type was expected`, base + p);
    }
  }

  /**
   * A top-level array of bulk strings entirely within buf[p, end), in one pass: the position after
   * it (the value emitted), or -1 to take the general path, which reads it (or reports what is
   * wrong with it) exactly as before. Nothing is changed before -1 is returned.
   */
  private bulkArray(buf: Buffer, p: number, end: number): number {
    let i = p + 1;
    let n = 0;
    let c = 0;
    while (i < end && (c = buf[i]) >= 48 && c <= 57 && i - p < 10) {
      n = n * 10 + (c - 48);
      i++;
    }
    if (c !== CR || i === p + 1 || i + 1 >= end || buf[i + 1] !== LF || n === 0 || n > this.maxArrayLength) return -1;
    i += 2;
    const items: Buffer[] = new Array<Buffer>(n);
    for (let k = 0; k < n; k++) {
      if (i >= end || buf[i] !== 36) return -1;
      const digitsAt = ++i;
      let len = 0;
      while (i < end && (c = buf[i]) >= 48 && c <= 57 && i - digitsAt < 10) {
        len = len * 10 + (c - 48);
        i++;
      }
      if (c !== CR || i === digitsAt || i + 1 >= end || buf[i + 1] !== LF || len > this.maxBulkLength) return -1;
      const start = i + 2;
      i = start + len;
      if (i + 2 > end || buf[i] !== CR || buf[i + 1] !== LF) return -1;
      items[k] = viewOf(buf, start, i);
      i += 2;
    }
    // at the top level the value started at p (write() set valueStart to its absolute offset)
    const start = this.valueStart;
    const endAbs = start + (i - p);
    this.valueStart = -1;
    this.consumed = endAbs;
    this.onValue(items, start, endAbs);
    return i;
  }

  private lineValue(type: number, buf: Buffer, from: number, cr: number, base: number): RespValue {
    if (type === 43) {
      if (cr - from === 2 && buf[from] === 79 && buf[from + 1] === 75) return "OK";
      // a transaction's every queued command answers QUEUED (the writer's fence batches): no string each
      if (cr - from === 6 && buf[from] === 81 && buf[from + 1] === 85 && buf[from + 2] === 69 && buf[from + 3] === 85 && buf[from + 4] === 69 && buf[from + 5] === 68) return "QUEUED";
      return buf.toString("utf8", from, cr);
    }
    if (type === 45) return new ReplyError(buf.toString("utf8", from, cr));
    const text = buf.toString("latin1", from, cr);
    if (type === 95) {
      if (text !== "") throw new ProtocolError("malformed null", base + from);
      return null;
    }
    if (type === 35) {
      if (text !== "t" && text !== "f") throw new ProtocolError("malformed boolean", base + from);
      return text === "t";
    }
    if (type === 40) {
      if (!/^-?\d+$/.test(text)) throw new ProtocolError("malformed big number", base + from);
      return BigInt(text);
    }
    const lower = text.toLowerCase();
    if (lower === "inf" || lower === "+inf") return Infinity;
    if (lower === "-inf") return -Infinity;
    if (lower === "nan" || lower === "-nan") return NaN;
    const d = Number(text);
    if (text === "" || Number.isNaN(d)) throw new ProtocolError("malformed double", base + from);
    return d;
  }

  private bulkValue(type: number, data: Buffer, at: number): RespValue {
    if (type === 36) return data;
    if (type === 33) return new ReplyError(data.toString("utf8"));
    if (data.length < 4 || data[3] !== 58) throw new ProtocolError("verbatim string without a format prefix", at);
    return data.subarray(4);
  }

  private continueBulk(chunk: Buffer, pos: number, end: number, base: number): number {
    if (this.bulkNeed > 0) {
      const take = Math.min(this.bulkNeed, end - pos);
      this.bulkParts.push(chunk.subarray(pos, pos + take));
      this.bulkNeed -= take;
      pos += take;
      if (this.bulkNeed > 0) return pos;
    }
    while (this.crlfNeed > 0 && pos < end) {
      const expected = this.crlfNeed === 2 ? CR : LF;
      if (chunk[pos] !== expected) throw new ProtocolError("bulk string not followed by \\r\\n", base + pos);
      pos++;
      this.crlfNeed--;
    }
    if (this.crlfNeed > 0) return pos;
    const parts = this.bulkParts;
    const data = parts.length === 1 ? parts[0] : Buffer.concat(parts, this.bulkLength);
    const type = this.bulkType;
    this.bulkParts = [];
    this.bulkType = 0;
    return this.emit(this.bulkValue(type, data, base + pos), base + pos, pos);
  }

  /** Adds a finished value to its parent, closing parents that become complete; returns `pos`. */
  private emit(value: RespValue, endAbs: number, pos: number): number {
    let v = value;
    const stack = this.stack;
    for (;;) {
      const top = stack.length === 0 ? null : stack[stack.length - 1];
      if (top === null) {
        const start = this.valueStart;
        this.valueStart = -1;
        this.consumed = endAbs;
        this.onValue(v, start, endAbs);
        return pos;
      }
      top.items.push(v);
      if (--top.remaining > 0) return pos;
      stack.pop();
      if (top.kind === ATTRIBUTE) return pos; // metadata about the next value: dropped
      v = top.kind === PUSH ? new RespPush(top.items) : top.items;
    }
  }
}
