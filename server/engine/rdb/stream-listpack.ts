import type { StreamEntry } from "../values/typed-value";
import { corrupt } from "./constants";
import { ListpackCursor } from "./listpack";

/**
 * One listpack node of a stream (t_stream.c): a master entry
 *   <count><deleted><num-fields><field>...<0>
 * then count+deleted entries
 *   <flags><ms-diff><seq-diff>[<num-fields><field><value>...|<value>...]<lp-count>
 * whose IDs are deltas from the node's master ID (the 16-byte big-endian radix-tree key).
 * Walking it checks the structure like streamValidateListpackIntegrity (deep); with `out` it also
 * collects the live entries (deleted ones are skipped).
 */
const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

export function readStreamListpack(
  buf: Uint8Array,
  start: number,
  end: number,
  offset: number,
  master: { ms: bigint; seq: bigint } | null,
  out: StreamEntry[] | null,
): number {
  const c = new ListpackCursor(buf, start, end, offset, "stream listpack");
  const need = (what: string): void => {
    if (!c.next()) throw corrupt(`stream listpack ends before its ${what}`, offset + (end - start) - 1);
  };
  const int = (what: string): number => {
    need(what);
    if (!c.isInt) throw corrupt(`stream listpack ${what} is not an integer`, offset + (c.at - start));
    return c.num;
  };
  const count = int("entry count");
  const deleted = int("deleted count");
  const masterFields = int("master field count");
  if (count < 0 || deleted < 0 || masterFields < 0) throw corrupt("stream listpack has negative counts", offset);
  const fieldNames: Buffer[] = [];
  for (let i = 0; i < masterFields; i++) {
    need("master fields");
    if (out) fieldNames.push(c.element());
  }
  if (int("master terminator") !== 0) throw corrupt("stream listpack master entry is not terminated by 0", offset + (c.at - start));
  let live = 0;
  for (let n = count + deleted; n > 0; n--) {
    const flags = int("entry flags");
    need("entry ms delta");
    const msDelta = out ? c.bigint() : 0n;
    if (!c.isInt) throw corrupt("stream entry ID is not an integer", offset + (c.at - start));
    need("entry seq delta");
    const seqDelta = out ? c.bigint() : 0n;
    if (!c.isInt) throw corrupt("stream entry ID is not an integer", offset + (c.at - start));
    let fields = masterFields;
    let extra = 3;
    const keep = out !== null && (flags & FLAG_DELETED) === 0;
    const kv: Buffer[] = [];
    if (flags & FLAG_SAMEFIELDS) {
      for (let i = 0; i < fields; i++) {
        need("entry values");
        if (keep) kv.push(fieldNames[i], c.element());
      }
    } else {
      fields = int("entry field count");
      if (fields < 0) throw corrupt("stream entry has a negative field count", offset + (c.at - start));
      for (let i = 0; i < fields; i++) {
        need("entry fields");
        if (keep) kv.push(c.element());
        need("entry values");
        if (keep) kv.push(c.element());
      }
      extra += fields + 1;
    }
    if (int("entry lp-count") !== fields + extra) throw corrupt("stream entry lp-count does not match its size", offset + (c.at - start));
    if ((flags & FLAG_DELETED) === 0) live++;
    if (keep && master) {
      const ms = BigInt.asUintN(64, master.ms + msDelta);
      const seq = BigInt.asUintN(64, master.seq + seqDelta);
      out.push({ id: `${ms}-${seq}`, fields: kv });
    }
  }
  if (c.next()) throw corrupt("stream listpack has entries after its last one", offset + (c.at - start));
  if (live !== count) throw corrupt(`stream listpack counts ${count} live entries but holds ${live}`, offset);
  return count;
}
