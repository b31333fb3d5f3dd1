/**
 * Redis's glob (util.c stringmatchlen, the matcher behind KEYS and SCAN MATCH), over bytes so a key
 * that is not UTF-8 matches exactly as the server would match it: `*` any run, `?` one byte,
 * `[abc]` / `[^a-z]` a class (ranges either way round), `\x` the byte x itself.
 */
export function globMatch(pattern: Buffer, key: Buffer): boolean {
  const p = pattern;
  let pi = 0;
  let si = 0;
  // the last `*` seen and where in the key it was tried: a mismatch retries from there one byte
  // further (one star's backtracking is enough for globs: O(pattern × key), never exponential)
  let starP = -1;
  let starS = 0;
  while (si < key.length) {
    if (pi < p.length) {
      if (p[pi] === 0x2a /* * */) {
        while (pi + 1 < p.length && p[pi + 1] === 0x2a) pi++;
        starP = pi;
        starS = si;
        pi++;
        continue;
      }
      const next = matchOne(p, pi, key[si]);
      if (next >= 0) {
        pi = next;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  // the key is used up: only stars may remain
  while (pi < p.length && p[pi] === 0x2a) pi++;
  return pi === p.length;
}

/** Matches one byte against the pattern element at pi: where the pattern goes on, or -1. */
function matchOne(p: Buffer, pi: number, b: number): number {
  const c = p[pi];
  if (c === 0x3f /* ? */) return pi + 1;
  if (c === 0x5b /* [ */) {
    const r = matchClass(p, pi + 1, b);
    return r.ok ? r.next : -1;
  }
  // a trailing backslash is itself
  if (c === 0x5c /* \ */ && pi + 1 < p.length) return p[pi + 1] === b ? pi + 2 : -1;
  return c === b ? pi + 1 : -1;
}

/** `[...]` starting after the bracket: whether `b` is in the class, and where the pattern goes on. */
function matchClass(p: Buffer, i: number, b: number): { ok: boolean; next: number } {
  const not = p[i] === 0x5e; /* ^ */
  if (not) i++;
  let hit = false;
  for (;;) {
    if (i >= p.length) {
      // an unterminated class: Redis steps back so the last byte is read again as the end
      i--;
      break;
    }
    const c = p[i];
    if (c === 0x5d /* ] */) break;
    if (c === 0x5c /* \ */ && i + 1 < p.length) {
      i++;
      if (p[i] === b) hit = true;
    } else if (i + 2 < p.length && p[i + 1] === 0x2d /* - */) {
      let lo = c;
      let hi = p[i + 2];
      if (lo > hi) [lo, hi] = [hi, lo];
      if (b >= lo && b <= hi) hit = true;
      i += 2;
    } else if (c === b) hit = true;
    i++;
  }
  return { ok: not ? !hit : hit, next: i + 1 };
}
