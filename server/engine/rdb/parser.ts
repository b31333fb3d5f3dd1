import { DtsError } from "../../errors";
import { OP, corrupt, redisTypeOf } from "./constants";
import { Crc64, crcOfByteHi, crcOfByteLo, crcWindow } from "./crc64";
import { WINDOW_BASE, WINDOW_BYTES } from "./crc64-wasm";
import { NEED, STR_PLAIN, copyOut, rd, stringCopy } from "./primitives";
import { TransientKeyEvent } from "./transient-key-event";
import type { RdbEvent, RdbKeyEvent, RdbMagic, RdbParserOptions } from "./types";
import { ValueWalker, skipModuleOpcodes } from "./value-walker";
import { parseRecord } from "./records";

const EMPTY = new Uint8Array(0);
const HEADER = 0;
const RECORD = 1;
const VALUE = 2;
const MODULE_AUX = 3;
const CHECKSUM = 4;
const DONE = 5;

/** values at least this big that had to be accumulated are handed out without a second copy */
const ADOPT_BYTES = 64 * 1024;
/** keys up to this many bytes share one buffer per length (transientValues); longer ones are copied */
const REUSED_KEY_MAX = 512;
const MIN_ACC = 64 * 1024;
/** a string at least this long is carried in one buffer of its declared size (see carry) */
const BIG_STRING = 4 * 1024 * 1024;
/** ... once at least 1/DECLARED_TRUST of that size has arrived */
const DECLARED_TRUST = 64;
/** a value of many elements carried past this size grows toward its estimated size (collectionSize) */
const BIG_COLLECTION = 1024 * 1024;

/**
 * Push-based streaming RDB parser. write(chunk) parses what it can and emits events synchronously;
 * an incomplete record is carried over to the next chunk (in one growable buffer, so a value
 * spread over many chunks costs O(n) copying in total, not O(n^2)); a value is walked resumably,
 * element by element, never re-walked from its start. Memory stays within about the largest value
 * plus one chunk (a big value's buffer is sized from its declared or estimated size). Nothing keeps
 * a chunk after write() returns: the caller may reuse it. After EOF (+ checksum) the rest of a chunk
 * is not consumed: write() returns how many of its bytes belonged to the RDB.
 */
export class RdbParser {
  done = false;
  version = 0;
  magic: RdbMagic = "REDIS";
  /** @internal state shared with records.ts */
  db = 0;
  expireAt: number | null = null;
  idle: number | undefined = undefined;
  freq: number | undefined = undefined;
  readonly emit: (e: RdbEvent) => void;

  private buf: Uint8Array = EMPTY;
  /** absolute offset of buf[0] */
  private base = 0;
  /** start of the first unconsumed record in buf */
  private pos = 0;
  private lim = 0;
  private acc: Buffer | null = null;
  /** absolute end of the string the last run() stopped inside, or -1 (see rd.want) */
  private wantAbs = -1;
  private wantLen = 0;
  private state = HEADER;
  private received = 0;
  private failed: unknown = null;
  private readonly walker = new ValueWalker();
  private keyType = 0;
  private key: Buffer = Buffer.alloc(0);
  private valueAbs = 0;
  private auxModule = "";
  private auxWhen = 0;
  private auxAbs = 0;
  private readonly verify: boolean;
  private crc: Crc64 | null = null;
  private crcAbs = 0;
  /** the checksum itself is not part of what it covers */
  private crcLimit = Infinity;
  private chunk: Uint8Array = EMPTY;
  private chunkAbs = 0;
  private readonly transient: boolean;
  /** absolute offset of the WebAssembly window's first byte when it mirrors buf[0, lim), else -1 */
  private winAbs = -1;

  constructor(onEvent: (e: RdbEvent) => void, opts: RdbParserOptions = {}) {
    this.emit = onEvent;
    this.verify = opts.verifyChecksum ?? true;
    this.transient = opts.transientValues ?? false;
    this.walker.check = opts.validateEncoded ?? true;
    // from the first byte: the header may complete only in a later chunk
    if (this.verify) this.crc = new Crc64();
  }

  /** bytes of the input consumed so far (the whole RDB once done) */
  get offset(): number {
    return this.base + this.pos;
  }

  write(chunk: Uint8Array): number {
    // A chunk that runs past the end of the big string being carried would not fit the buffer sized
    // to that string: the string is completed first, the rest goes on as its own chunk.
    const acc = this.acc;
    if (this.wantAbs >= 0 && acc !== null && this.buf === acc && this.pos < this.lim && this.lim - this.pos + chunk.length > acc.length) {
      const fits = this.wantAbs - (this.base + this.lim);
      if (fits > 0 && fits < chunk.length && this.wantAbs - (this.base + this.pos) <= acc.length) {
        const used = this.writeOne(chunk.subarray(0, fits));
        return this.done ? used : fits + this.writeOne(chunk.subarray(fits));
      }
    }
    return this.writeOne(chunk);
  }

  private writeOne(chunk: Uint8Array): number {
    if (this.failed) throw this.failed;
    if (this.done) return 0;
    this.chunk = chunk;
    this.chunkAbs = this.received;
    this.received += chunk.length;
    if (this.pos < this.lim) this.carry(chunk);
    else {
      this.buf = chunk;
      this.base = this.chunkAbs;
      this.pos = 0;
      this.lim = chunk.length;
    }
    this.mirror();
    try {
      rd.want = -1;
      this.run();
      this.wantAbs = rd.want > this.lim ? this.base + rd.want : -1;
      this.wantLen = rd.wantLen;
      if (this.crc) this.crcTo(Math.min(this.received, this.crcLimit));
    } catch (err) {
      this.failed = err;
      throw err;
    }
    this.chunk = EMPTY;
    // the caller may reuse its chunk once write() returns (a socket's read buffer): an incomplete
    // record is moved to our own buffer now, not at the next write
    if (!this.done && this.pos < this.lim && this.buf === chunk) this.carry(EMPTY);
    if (!this.done) return chunk.length;
    const rest = this.received - this.offset;
    this.lim = this.pos; // nothing carried after the end
    return chunk.length - rest;
  }

  /** capacity of the buffer an incomplete record is carried over in (0 when none): tests, memory bounds */
  get carryCapacity(): number {
    return this.acc?.length ?? 0;
  }

  /** Call after the last chunk: throws when the RDB is incomplete. */
  end(): void {
    if (this.failed) throw this.failed;
    if (!this.done) throw corrupt(this.state === HEADER && this.received < 9 ? "input ends inside the RDB header" : "input ends before the RDB is complete (truncated)", this.received);
  }

  private carry(chunk: Uint8Array): void {
    const tail = this.lim - this.pos;
    const need = tail + chunk.length;
    let acc = this.acc;
    if (acc !== null && need <= acc.length) {
      // (not yet in it: the tail of the caller's chunk; acc is ours, nothing points into it between events)
      if (this.buf !== acc) acc.set(this.buf.subarray(this.pos, this.lim), 0);
      else if (this.pos > 0) acc.copyWithin(0, this.pos, this.lim);
    } else {
      let size = Math.max(need, MIN_ACC, acc !== null && this.buf === acc ? acc.length * 2 : 0);
      // Doubling (not the declared length, which a corrupt input may inflate) keeps the allocation
      // backed by bytes received. When one string fills at least half of it, the buffer stops at
      // that string's end instead; the half keeps the copying linear when many small strings of one
      // value arrive a chunk at a time. A big string (the buffer would have to double up to it)
      // gets its whole declared size once 1/64 of it is here: doubling all the way kept the
      // last two sizes alive at once (a 256 MB value cost 128 + 256 MB, plus the garbage of every
      // step before), and a forged length still needs 1/64 of it in real input.
      const want = this.wantAbs >= 0 ? this.wantAbs - (this.base + this.pos) : -1;
      // (a chunk may run past the string's end: the buffer takes it whole)
      if (this.wantLen >= BIG_STRING && want >= 0 && need * DECLARED_TRUST >= want) size = Math.max(want, need);
      else if (want >= need && this.wantLen * 2 >= size) size = Math.min(size, want);
      else if (need >= BIG_COLLECTION && this.state === VALUE) size = this.collectionSize(need, size);
      const grown = Buffer.allocUnsafe(size);
      grown.set(this.buf.subarray(this.pos, this.lim), 0);
      acc = this.acc = grown;
    }
    acc.set(chunk, tail);
    this.base += this.pos;
    this.buf = acc;
    this.pos = 0;
    this.lim = need;
  }

  /**
   * A big collection (many small elements) grows toward its estimated size, from the share of its
   * declared count walked and the bytes that took, instead of doubling: doubling kept the last two
   * sizes at once (a 140 MB list cost 128 + 256 MB). Estimated only once 1/DECLARED_TRUST of the
   * elements are here, so a forged count cannot ask for more than that many times the real bytes;
   * the buffer still grows by at least a quarter each time (linear copying when elements vary).
   */
  private collectionSize(need: number, doubled: number): number {
    const share = this.walker.doneShare();
    const walked = this.walker.abs - this.valueAbs;
    if (share * DECLARED_TRUST < 1 || walked <= 0) return doubled;
    const head = this.valueAbs - (this.base + this.pos);
    const estimate = head + Math.ceil((walked / share) * 1.0625) + MIN_ACC;
    const acc = this.acc !== null && this.buf === this.acc ? this.acc.length : 0;
    return Math.max(need, estimate, Math.ceil(acc * 1.25));
  }

  /**
   * Copies buf[0, lim) into the WebAssembly CRC's window (one memcpy per chunk), so the stream's CRC
   * and each value's payload CRC are computed where the bytes lie, without a copy per value.
   */
  private mirror(): void {
    this.winAbs = -1;
    const w = crcWindow();
    if (w === null || (!this.crc && !this.transient) || this.lim > WINDOW_BYTES) return;
    w.memory.set(this.lim === this.buf.length ? this.buf : this.buf.subarray(0, this.lim), WINDOW_BASE);
    w.owner = this;
    this.winAbs = this.base;
  }

  private crcTo(abs: number): void {
    const crc = this.crc!;
    if (abs > this.crcAbs) {
      const w = crcWindow();
      if (w !== null && w.owner === this && this.winAbs >= 0 && this.crcAbs >= this.winAbs && abs <= this.winAbs + this.lim) {
        crc.lo = w.at(WINDOW_BASE + (this.crcAbs - this.winAbs), abs - this.crcAbs, crc.lo, crc.hi);
        crc.hi = w.hi;
      } else crc.update(this.chunk, this.crcAbs - this.chunkAbs, abs - this.chunkAbs);
      this.crcAbs = abs;
    }
  }

  private run(): void {
    for (;;) {
      switch (this.state) {
        case HEADER:
          if (this.lim - this.pos < 9) return;
          this.header();
          continue;
        case RECORD: {
          if (this.pos >= this.lim) return;
          const q = parseRecord(this, this.buf, this.pos, this.lim, this.base);
          if (q === NEED) return;
          this.pos = q;
          continue;
        }
        case VALUE:
          if (!this.walker.walk(this.buf, this.base, this.lim)) return;
          this.emitKey();
          continue;
        case MODULE_AUX: {
          const q = skipModuleOpcodes(this.buf, this.auxAbs - this.base, this.lim, this.base);
          if (q < 0) {
            this.auxAbs = this.base - q - 2;
            return;
          }
          this.pos = q;
          this.state = RECORD;
          this.emit({ kind: "module-aux", moduleName: this.auxModule, when: this.auxWhen });
          continue;
        }
        case CHECKSUM:
          if (this.lim - this.pos < 8) return;
          this.checksum();
          return;
        default:
          return;
      }
    }
  }

  private header(): void {
    const buf = this.buf;
    const p = this.pos;
    const text = Buffer.from(buf.buffer, buf.byteOffset + p, 9).toString("latin1");
    let m: RegExpExecArray | null;
    if ((m = /^REDIS(\d{4})$/.exec(text))) {
      this.magic = "REDIS";
      this.version = Number(m[1]);
      if (this.version < 1 || this.version > 12) throw new DtsError("RDB_UNSUPPORTED", `RDB version ${this.version} is not supported (1 to 12 are)`);
    } else if ((m = /^VALKEY(\d{3})$/.exec(text))) {
      this.magic = "VALKEY";
      this.version = Number(m[1]);
      if (this.version < 80) throw new DtsError("RDB_UNSUPPORTED", `Valkey RDB version ${this.version} is not supported`);
    } else {
      throw corrupt("not an RDB file (no REDIS or VALKEY signature)", 0);
    }
    if (this.version < 5) this.crc = null; // no checksum to verify
    this.pos = p + 9;
    this.state = RECORD;
    this.emit({ kind: "header", version: this.version, magic: this.magic });
  }

  /** @internal records.ts: a key's type byte and name were read; its value starts at `abs` */
  startValue(rdbType: number, key: Buffer, abs: number): void {
    this.keyType = rdbType;
    this.key = key;
    this.valueAbs = abs;
    this.walker.reset(rdbType, abs, this.magic === "VALKEY");
    this.state = VALUE;
  }

  /**
   * @internal records.ts: the key a value record starts with. With transientValues it is copied into
   * one reused buffer per key length, not a new Buffer per key: a Buffer object each was ~0.2 µs and
   * a scavenge's worth of garbage per ~40k keys of a full sync. Like the value, it is valid during
   * the event's callback only.
   */
  keyOf(buf: Uint8Array, base: number): Buffer {
    if (!this.transient || rd.kind !== STR_PLAIN || rd.e - rd.s > REUSED_KEY_MAX) return stringCopy(buf, base);
    const n = rd.e - rd.s;
    const key = (this.keyViews[n] ??= Buffer.from(this.keyArena.buffer, this.keyArena.byteOffset, n));
    const s = rd.s;
    for (let i = 0; i < n; i++) key[i] = buf[s + i];
    return key;
  }

  private readonly keyArena = Buffer.allocUnsafeSlow(REUSED_KEY_MAX);
  private readonly keyViews: Buffer[] = [];

  /** @internal records.ts: MODULE_AUX header read; its data starts at `abs` */
  startModuleAux(moduleName: string, when: number, abs: number): void {
    this.auxModule = moduleName;
    this.auxWhen = when;
    this.auxAbs = abs;
    this.state = MODULE_AUX;
  }

  /** @internal records.ts: EOF opcode read; `abs` is just after it */
  startEnd(abs: number): void {
    this.crcLimit = abs;
    if (this.version >= 5) {
      this.state = CHECKSUM;
      return;
    }
    this.finish("absent");
  }

  private checksum(): void {
    const p = this.pos;
    const buf = this.buf;
    const zero = buf[p] === 0 && buf[p + 1] === 0 && buf[p + 2] === 0 && buf[p + 3] === 0 && buf[p + 4] === 0 && buf[p + 5] === 0 && buf[p + 6] === 0 && buf[p + 7] === 0;
    let status: "ok" | "absent" | "unchecked" = zero ? "absent" : "unchecked";
    if (!zero && this.crc) {
      this.crcTo(this.base + p);
      if (!this.crc.matchesLE(buf, p)) throw corrupt(`checksum mismatch (computed ${this.crc.value().toString(16).padStart(16, "0")})`, this.base + p);
      status = "ok";
    }
    this.pos = p + 8;
    this.finish(status);
  }

  private finish(checksum: "ok" | "absent" | "unchecked"): void {
    this.state = DONE;
    this.done = true;
    this.emit({ kind: "end", checksum });
  }

  private emitKey(): void {
    const w = this.walker;
    const vs = this.valueAbs - this.base;
    const ve = w.abs - this.base;
    const size = ve - vs;
    if (this.transient) return this.emitTransient(vs, ve);
    let raw: Buffer;
    if (size >= ADOPT_BYTES && this.acc !== null && this.buf === this.acc) {
      raw = this.adoptValue(vs, ve);
    } else {
      raw = copyOut(this.buf, vs, ve, this.keyType);
    }
    const ev: RdbKeyEvent = {
      kind: "key",
      db: this.db,
      key: this.key,
      rdbType: this.keyType,
      type: redisTypeOf(this.keyType)!,
      expireAt: this.expireAt,
      idle: this.idle,
      freq: this.freq,
      raw,
      rdbVersion: this.version,
      moduleName: w.moduleName,
      valueOffset: this.valueAbs,
    };
    this.expireAt = null;
    this.idle = undefined;
    this.freq = undefined;
    this.pos = ve;
    this.state = RECORD;
    this.emit(ev);
  }

  /**
   * A value accumulated in our own buffer is handed out in place, type byte first (the byte before
   * the value is the key's last one, already copied); that buffer is never written into again.
   */
  private adoptValue(vs: number, ve: number): Buffer {
    const acc = this.acc!;
    acc[vs - 1] = this.keyType;
    this.acc = null;
    return acc.subarray(vs - 1, ve);
  }

  private readonly transientEvent = new TransientKeyEvent();

  /** TransientKeyEvent.adopt, read during the event's callback (so keyType is still its key's) */
  private readonly adopter = (ev: TransientKeyEvent): Buffer | null =>
    this.acc !== null && ev.valueBuf === this.acc ? this.adoptValue(ev.valueStart, ev.valueEnd) : null;

  /** transientValues: the value stays where it is; its payload CRC is computed in the window */
  private emitTransient(vs: number, ve: number): void {
    // one object for every key: a new one each was ~210 of the ~590 MB a 1M-key full sync allocated
    const ev = this.transientEvent;
    ev.reset();
    ev.db = this.db;
    ev.key = this.key;
    ev.rdbType = this.keyType;
    ev.type = redisTypeOf(this.keyType)!;
    ev.expireAt = this.expireAt;
    ev.idle = this.idle;
    ev.freq = this.freq;
    ev.rdbVersion = this.version;
    ev.moduleName = this.walker.moduleName;
    ev.valueOffset = this.valueAbs;
    ev.valueBuf = this.buf;
    ev.valueStart = vs;
    ev.valueEnd = ve;
    if (ve - vs >= ADOPT_BYTES && this.acc !== null && this.buf === this.acc) ev.adopt = this.adopter;
    const win = crcWindow();
    if (win !== null && win.owner === this && this.winAbs === this.base) ev.crcWindowAt = vs;
    this.expireAt = null;
    this.idle = undefined;
    this.freq = undefined;
    this.pos = ve;
    this.state = RECORD;
    try {
      this.emit(ev);
    } finally {
      ev.valueBuf = null;
    }
  }
}
