/**
 * RESP command encoding without string churn: the size is computed first, then headers and arguments
 * are written into one buffer (or straight into a batch buffer that goes to the socket as is).
 */
/**
 * An argument that writes its own bytes straight into the command buffer (e.g. a RESTORE payload
 * assembled from a value and a footer without an intermediate Buffer).
 */
export abstract class LazyArg {
  abstract readonly byteLength: number;
  /** writes exactly byteLength bytes at `at` */
  abstract writeTo(target: Buffer, at: number): void;
}

export type Arg = Buffer | string | LazyArg;

/** decimal digits of a non-negative integer */
export function digits(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  if (n < 1000) return 3;
  if (n < 10000) return 4;
  if (n < 100000) return 5;
  if (n < 1000000) return 6;
  if (n < 10000000) return 7;
  if (n < 100000000) return 8;
  if (n < 1000000000) return 9;
  // absolute TTLs in ms (13 digits) reach here once per key with a TTL: String(n) cost ~0.5 µs each
  let d = 10;
  for (let limit = 1e10; n >= limit && d < 21; limit *= 10) d++;
  return d;
}

/** byte length of a short all-ASCII string, or -1 (avoids a native call for numbers, names, TTLs) */
function asciiLength(s: string): number {
  if (s.length > 32) return -1;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return -1;
  return s.length;
}

function stringLength(s: string): number {
  const n = asciiLength(s);
  return n === -1 ? Buffer.byteLength(s) : n;
}

function argLength(arg: Arg): number {
  if (typeof arg === "string") return stringLength(arg);
  return arg instanceof LazyArg ? arg.byteLength : arg.length;
}

/** Bytes `*n\r\n` + every `$len\r\n<arg>\r\n` take. */
export function encodedLength(argv: readonly Arg[]): number {
  let size = 3 + digits(argv.length);
  for (let i = 0; i < argv.length; i++) {
    const len = argLength(argv[i]);
    size += 5 + digits(len) + len;
  }
  return size;
}

/** Writes `<prefix><n>\r\n` at `at` (n a non-negative integer); returns the position after it. */
export function writeHeader(target: Buffer, at: number, prefix: number, n: number): number {
  target[at++] = prefix;
  const width = digits(n);
  let end = at + width;
  for (let i = end - 1, v = n; i >= at; i--, v = Math.floor(v / 10)) target[i] = 48 + (v % 10);
  target[end++] = 13;
  target[end++] = 10;
  return end;
}

/** Encodes argv into `target` at `at` (which must have room for encodedLength(argv)); returns the end. */
export function writeCommand(argv: readonly Arg[], target: Buffer, at: number): number {
  return writeArgs(argv, 0, argv.length, target, writeHeader(target, at, 42, argv.length));
}

/** Encodes argv[from, to) as bulk strings at `p`; returns the end. */
function writeArgs(argv: readonly Arg[], from: number, to: number, target: Buffer, p: number): number {
  for (let i = from; i < to; i++) {
    const arg = argv[i];
    if (typeof arg === "string") {
      const ascii = asciiLength(arg);
      if (ascii !== -1) {
        p = writeHeader(target, p, 36, ascii);
        for (let j = 0; j < ascii; j++) target[p + j] = arg.charCodeAt(j);
        p += ascii;
      } else {
        const len = Buffer.byteLength(arg);
        p = writeHeader(target, p, 36, len);
        p += target.write(arg, p, len, "utf8");
      }
    } else if (arg instanceof LazyArg) {
      const len = arg.byteLength;
      p = writeHeader(target, p, 36, len);
      arg.writeTo(target, p);
      p += len;
    } else {
      const len = arg.length;
      p = writeHeader(target, p, 36, len);
      // short ones (keys, names) byte by byte: cheaper than even TypedArray#set's set-up
      if (len < 32) for (let j = 0; j < len; j++) target[p + j] = arg[j];
      else target.set(arg, p);
      p += len;
    }
    target[p++] = 13;
    target[p++] = 10;
  }
  return p;
}

/** a Buffer argument at least this long is sent as it is by encodeParts, not copied */
export const BY_REFERENCE_BYTES = 32 * 1024;

const byReference = (arg: Arg): arg is Buffer => Buffer.isBuffer(arg) && arg.length >= BY_REFERENCE_BYTES;

/**
 * A command as a list of buffers that, written one after the other, are its encoding: each Buffer
 * argument of BY_REFERENCE_BYTES or more is an element of the list itself (the caller's buffer, not
 * a copy), the bytes around them are encoded into small buffers. A big value goes from where it
 * lies (e.g. the RDB parser's buffer) to the socket: copying it into a command buffer cost as much
 * memory again as the in-flight commands held, and garbage for the GC to find.
 */
export function encodeParts(argv: readonly Arg[]): Buffer[] {
  const parts: Buffer[] = [];
  for (let from = 0; ; ) {
    // [CRLF after the previous big argument] [*n header] argv[from, to) ["$len" header of argv[to]]
    let to = from;
    let size = from === 0 ? 3 + digits(argv.length) : 2;
    while (to < argv.length && !byReference(argv[to])) {
      const len = argLength(argv[to++]);
      size += 5 + digits(len) + len;
    }
    const big = to < argv.length ? (argv[to] as Buffer) : null;
    if (big) size += 3 + digits(big.length);
    const seg = Buffer.allocUnsafe(size);
    let p = 0;
    if (from === 0) p = writeHeader(seg, p, 42, argv.length);
    else {
      seg[p++] = 13;
      seg[p++] = 10;
    }
    p = writeArgs(argv, from, to, seg, p);
    if (big) writeHeader(seg, p, 36, big.length);
    parts.push(seg);
    if (!big) return parts;
    parts.push(big);
    from = to + 1;
  }
}

/** One command as one Buffer (pooled allocation for small commands). */
export function encodeCommand(argv: readonly Arg[]): Buffer {
  const out = Buffer.allocUnsafe(encodedLength(argv));
  writeCommand(argv, out, 0);
  return out;
}

/**
 * An appendable pipeline buffer: commands are encoded straight into it and `take()` hands the bytes
 * over (ownership passes to the caller, e.g. a socket write) and starts a fresh buffer.
 */
export class CommandBatch {
  private buf: Buffer;
  private used = 0;
  private commands = 0;
  private readonly initial: number;

  constructor(initialBytes = 64 * 1024) {
    this.initial = initialBytes;
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get byteLength(): number {
    return this.used;
  }

  get count(): number {
    return this.commands;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + bytes));
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }

  /** Encodes and appends one command; returns its size in bytes. */
  push(argv: readonly Arg[]): number {
    const size = encodedLength(argv);
    this.reserve(size);
    this.used = writeCommand(argv, this.buf, this.used);
    this.commands++;
    return size;
  }

  /** Appends an already encoded command. */
  pushEncoded(encoded: Buffer): void {
    this.reserve(encoded.length);
    this.buf.set(encoded, this.used);
    this.used += encoded.length;
    this.commands++;
  }

  /** The bytes so far; the batch starts empty again (the returned buffer is not reused). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(this.initial);
    this.used = 0;
    this.commands = 0;
    return out;
  }
}
