/**
 * Keys named by a keyword option: SORT … STORE dst, GEORADIUS/GEORADIUSBYMEMBER … STORE|STOREDIST dst.
 * The server reports these as "movablekeys" (SORT's store key spec is "unknown"), so its key specs
 * cannot place them; these walks read the options the way the server's own getkeys procedures
 * (sortGetKeys, georadiusGetKeys) do, including which STORE wins when several are given: the last.
 */

interface OptionWalk {
  /** index of the first option */
  from: number;
  /** keywords followed by that many arguments that are not keys */
  skip: Record<string, number>;
  /** keywords followed by the destination key */
  store: Set<string>;
  /** the walk steps over the destination key (GEORADIUS) or reads it as the next option (SORT) */
  skipStoreKey: boolean;
}

const SORT: OptionWalk = { from: 2, skip: { limit: 2, get: 1, by: 1 }, store: new Set(["store"]), skipStoreKey: false };
const GEORADIUS: OptionWalk = { from: 5, skip: {}, store: new Set(["store", "storedist"]), skipStoreKey: true };

function walk(w: OptionWalk, argv: Buffer[]): number | null {
  let dest: number | null = null;
  for (let i = w.from; i < argv.length; i++) {
    const opt = argv[i].toString("latin1").toLowerCase();
    const n = w.skip[opt];
    if (n !== undefined) i += n;
    else if (w.store.has(opt) && i + 1 < argv.length) {
      dest = i + 1;
      if (w.skipStoreKey) i++;
    }
  }
  return dest;
}

/** Key indices: the source key, then the key written when the command stores its result. */
export function sortKeys(argv: Buffer[]): number[] {
  if (argv.length < 2) return [];
  const dest = walk(SORT, argv);
  return dest === null ? [1] : [1, dest];
}

/** GEORADIUS key lon lat radius unit … and GEORADIUSBYMEMBER key member radius unit … */
export function georadiusKeys(argv: Buffer[]): number[] {
  if (argv.length < 2) return [];
  const dest = walk(GEORADIUS, argv);
  return dest === null ? [1] : [1, dest];
}

/**
 * SORT that cannot run on a copy of its input in another slot: a BY pattern with "*" reads other
 * keys, and a cluster refuses GET (any GET in Redis 7.0; one whose keys may be in other slots in
 * later versions). BY without "*" (BY nosort) only means "do not sort".
 */
export function sortNeedsOtherKeys(argv: Buffer[]): boolean {
  for (let i = SORT.from; i < argv.length; i++) {
    const opt = argv[i].toString("latin1").toLowerCase();
    if (opt === "get" && i + 1 < argv.length) return true;
    if (opt === "by" && i + 1 < argv.length) {
      if (argv[i + 1].includes(0x2a)) return true;
      i++;
    } else if (opt === "limit") i += 2;
  }
  return false;
}
