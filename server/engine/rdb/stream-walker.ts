import { T, corrupt } from "./constants";
import { NEED, STR_PLAIN, rd, readLen, readString } from "./primitives";

export interface StreamWalkState {
  rdbType: number;
  abs: number;
  stage: number;
  n: number;
  m: number;
  k: number;
}

/**
 * The resumable walk over a stream value (see ValueWalker): listpack nodes, metadata, then each
 * consumer group's PEL and consumers. `stage` says where to resume; n/m/k count the remaining
 * nodes or PEL entries, groups, and consumers. `blob` locates and validates one listpack node.
 */
export function walkStream(w: StreamWalkState, buf: Uint8Array, base: number, end: number, blob: (buf: Uint8Array, p: number, end: number) => number): boolean {
  let p = w.abs - base;
  const v2 = w.rdbType !== T.STREAM_LISTPACKS;
  const v3 = w.rdbType === T.STREAM_LISTPACKS_3;
  for (;;) {
    let q = p;
    switch (w.stage) {
      case 0: // number of listpack nodes
        q = readLen(buf, q, end, base);
        if (q === NEED) break;
        w.n = rd.len;
        w.stage = 1;
        p = q;
        continue;
      case 1: // nodes: <master ID: 16 bytes><listpack>
        if (w.n === 0) {
          w.stage = 2;
          continue;
        }
        q = readString(buf, q, end, base);
        if (q === NEED) break;
        if (rd.kind !== STR_PLAIN || rd.e - rd.s !== 16) throw corrupt("stream node key is not a 16-byte ID", base + p);
        q = blob(buf, q, end);
        if (q === NEED) break;
        w.n--;
        p = q;
        continue;
      case 2: // length, last ID, [first ID, max deleted ID, entries added], group count
        for (let i = v2 ? 8 : 3; i > 0 && q !== NEED; i--) q = readLen(buf, q, end, base);
        if (q !== NEED) q = readLen(buf, q, end, base);
        if (q === NEED) break;
        w.m = rd.len;
        w.stage = 3;
        p = q;
        continue;
      case 3: // group: name, last ID, [entries read], PEL size
        if (w.m === 0) {
          w.abs = base + p;
          return true;
        }
        q = readString(buf, q, end, base);
        for (let i = v2 ? 4 : 3; i > 0 && q !== NEED; i--) q = readLen(buf, q, end, base);
        if (q === NEED) break;
        w.n = rd.len;
        w.stage = 4;
        p = q;
        continue;
      case 4: // group PEL: <16-byte ID><delivery ms: 8 bytes><delivery count>
        while (w.n > 0) {
          q = p + 24 <= end ? readLen(buf, p + 24, end, base) : NEED;
          if (q === NEED) break;
          p = q;
          w.n--;
        }
        if (w.n > 0) break;
        q = readLen(buf, p, end, base); // consumer count
        if (q === NEED) break;
        w.k = rd.len;
        w.stage = 5;
        p = q;
        continue;
      case 5: // consumer: name, seen ms, [active ms], PEL size
        if (w.k === 0) {
          w.m--;
          w.stage = 3;
          continue;
        }
        q = readString(buf, q, end, base);
        if (q !== NEED) q = q + (v3 ? 16 : 8) <= end ? q + (v3 ? 16 : 8) : NEED;
        if (q !== NEED) q = readLen(buf, q, end, base);
        if (q === NEED) break;
        w.n = rd.len;
        w.stage = 6;
        p = q;
        continue;
      case 6: // consumer PEL: 16-byte IDs
        while (w.n > 0 && p + 16 <= end) {
          p += 16;
          w.n--;
        }
        if (w.n > 0) break;
        w.k--;
        w.stage = 5;
        continue;
    }
    w.abs = base + p;
    return false;
  }
}
