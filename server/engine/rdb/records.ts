import { DtsError } from "../../errors";
import { OP, corrupt, moduleNameFromId, redisTypeOf, MODULE_OP } from "./constants";
import { NEED, rd, readLen, readString, stringCopy } from "./primitives";
import type { RdbEvent, RdbMagic } from "./types";

/**
 * What a record changes in the parser (RdbParser has these members): declared here so the records
 * do not import the parser that calls them.
 */
export interface RecordSink {
  magic: RdbMagic;
  db: number;
  expireAt: number | null;
  idle: number | undefined;
  freq: number | undefined;
  readonly emit: (e: RdbEvent) => void;
  startValue(rdbType: number, key: Buffer, abs: number): void;
  /** the key readString() just located, as startValue takes it (a copy, or a reused buffer: transientValues) */
  keyOf(buf: Uint8Array, base: number): Buffer;
  startModuleAux(moduleName: string, when: number, abs: number): void;
  startEnd(abs: number): void;
}

/**
 * One top-level record at buf[p]: an opcode with its operands, or the type byte and name of a key
 * (whose value the parser then walks). Opcode records are small, so they are parsed atomically:
 * NEED means "wait for more input and start this record again". Returns the position after the
 * record, or p itself when the parser switched to walking a value / module data.
 */
export function parseRecord(P: RecordSink, buf: Uint8Array, p: number, end: number, base: number): number {
  const op = buf[p];
  let q = p + 1;
  switch (op) {
    case OP.EXPIRETIME_MS: {
      if (q + 8 > end) return NEED;
      const lo = (buf[q] | (buf[q + 1] << 8) | (buf[q + 2] << 16) | (buf[q + 3] << 24)) >>> 0;
      const hi = buf[q + 4] | (buf[q + 5] << 8) | (buf[q + 6] << 16) | (buf[q + 7] << 24);
      P.expireAt = hi * 4294967296 + lo;
      return q + 8;
    }
    case OP.EXPIRETIME:
      if (q + 4 > end) return NEED;
      P.expireAt = (buf[q] | (buf[q + 1] << 8) | (buf[q + 2] << 16) | (buf[q + 3] << 24)) * 1000;
      return q + 4;
    case OP.FREQ:
      if (q + 1 > end) return NEED;
      P.freq = buf[q];
      return q + 1;
    case OP.IDLE:
      q = readLen(buf, q, end, base);
      if (q !== NEED) P.idle = rd.len;
      return q;
    case OP.SELECTDB:
      q = readLen(buf, q, end, base);
      if (q === NEED) return NEED;
      P.db = rd.len;
      P.emit({ kind: "selectdb", db: rd.len });
      return q;
    case OP.RESIZEDB: {
      q = readLen(buf, q, end, base);
      if (q === NEED) return NEED;
      const keys = rd.len;
      q = readLen(buf, q, end, base);
      if (q === NEED) return NEED;
      P.emit({ kind: "resizedb", db: P.db, keys, expires: rd.len });
      return q;
    }
    case OP.SLOT_INFO: {
      const v: number[] = [];
      for (let i = 0; i < 3; i++) {
        q = readLen(buf, q, end, base);
        if (q === NEED) return NEED;
        v.push(rd.len);
      }
      P.emit({ kind: "slot-info", slot: v[0], slotSize: v[1], expiresSlotSize: v[2] });
      return q;
    }
    case OP.AUX: {
      const strings = readStrings(buf, q, end, base, 2);
      if (strings === null) return NEED;
      P.emit({ kind: "aux", key: strings[0], value: strings[1] });
      return rd.s;
    }
    case OP.FUNCTION2: {
      const strings = readStrings(buf, q, end, base, 1);
      if (strings === null) return NEED;
      P.emit({ kind: "function", code: strings[0], preGA: false });
      return rd.s;
    }
    case OP.FUNCTION_PRE_GA:
      return preGaFunction(P, buf, q, end, base);
    case OP.MODULE_AUX: {
      q = readLen(buf, q, end, base);
      if (q === NEED) return NEED;
      const name = moduleNameFromId(rd.hi, rd.lo);
      const at = q;
      q = readLen(buf, q, end, base);
      if (q === NEED) return NEED;
      if (rd.len !== MODULE_OP.UINT) throw corrupt("module aux data has a bad 'when' opcode", base + at);
      q = readLen(buf, q, end, base);
      if (q === NEED) return NEED;
      P.startModuleAux(name, rd.len, base + q);
      return p;
    }
    case OP.SLOT_IMPORT:
      if (P.magic !== "VALKEY") throw new DtsError("RDB_UNSUPPORTED", `RDB opcode 243 (Redis 8 key metadata) is not supported, at byte offset ${base + p}`);
      return slotImport(buf, q, end, base);
    case OP.EOF:
      P.startEnd(base + q);
      return q;
    default: {
      if (redisTypeOf(op) === undefined) throw corrupt(`unknown opcode or value type ${op}`, base + p);
      q = readString(buf, q, end, base);
      if (q === NEED) return NEED;
      P.startValue(op, P.keyOf(buf, base), base + q);
      return p;
    }
  }
}

/** Reads `n` consecutive strings as copies; null when incomplete. Leaves the end position in rd.s. */
function readStrings(buf: Uint8Array, p: number, end: number, base: number, n: number): Buffer[] | null {
  // locate all first (cheap), then copy: nothing is decompressed for a record that is incomplete
  const starts: number[] = [];
  let q = p;
  for (let i = 0; i < n; i++) {
    starts.push(q);
    q = readString(buf, q, end, base);
    if (q === NEED) return null;
  }
  const out: Buffer[] = [];
  for (const s of starts) {
    readString(buf, s, end, base);
    out.push(stringCopy(buf, base));
  }
  rd.s = q;
  return out;
}

/** Redis 7.0 RC1/RC2 function record: name, engine, has-description, [description], code. */
function preGaFunction(P: RecordSink, buf: Uint8Array, p: number, end: number, base: number): number {
  const head = readStrings(buf, p, end, base, 2);
  if (head === null) return NEED;
  let q = readLen(buf, rd.s, end, base);
  if (q === NEED) return NEED;
  const tail = readStrings(buf, q, end, base, rd.len ? 2 : 1);
  if (tail === null) return NEED;
  const [name, engine] = head;
  const code = tail[tail.length - 1];
  P.emit({ kind: "function", code, preGA: true, name, engine, description: tail.length === 2 ? tail[0] : undefined });
  return rd.s;
}

/** Valkey 9 slot import state: job name, then slot ranges. Informational, skipped. */
function slotImport(buf: Uint8Array, p: number, end: number, base: number): number {
  let q = readString(buf, p, end, base);
  if (q === NEED) return NEED;
  q = readLen(buf, q, end, base);
  if (q === NEED) return NEED;
  for (let ranges = rd.len; ranges > 0; ranges--) {
    q = readLen(buf, q, end, base);
    if (q !== NEED) q = readLen(buf, q, end, base);
    if (q === NEED) return NEED;
  }
  return q;
}
