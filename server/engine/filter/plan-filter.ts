import type { KeyFilter } from "./key-filter";
import { printable } from "../values/printable";

/**
 * What a key filter does to one command, given where its keys are (argument indices):
 * - keep: every key is included, the command goes on as it came;
 * - drop: every key is excluded, nothing reaches the destination;
 * - split: a command that acts on each key on its own (DEL, UNLINK, MSET…) keeps only its included
 *   keys, which is exact: the excluded keys' part changes nothing the destination holds;
 * - mixed: a command that ties included and excluded keys together (RENAME, SMOVE, LMOVE,
 *   SUNIONSTORE with excluded inputs, a script over both…) cannot be applied exactly: the caller
 *   reports it under the divergence rule.
 */
export type FilterOutcome =
  | { kind: "keep" }
  | { kind: "drop" }
  | { kind: "split"; argv: Buffer[] }
  | { kind: "mixed"; message: string; keys: Buffer[] };

/**
 * MSETNX is split like MSET: the source replicates it only when it set every key (all were new
 * there), so setting the included ones leaves them exactly as on the source.
 */
const PER_KEY = new Set(["del", "unlink", "touch", "exists"]);
const PAIRS = new Set(["mset", "msetnx"]);

export function filterCommand(filter: KeyFilter, name: string, argv: Buffer[], idx: number[]): FilterOutcome {
  let included = 0;
  for (const i of idx) if (filter.keyIncluded(argv[i])) included++;
  if (included === idx.length) return { kind: "keep" };
  if (included === 0) return { kind: "drop" };
  if (PER_KEY.has(name) || PAIRS.has(name)) {
    const out: Buffer[] = [PAIRS.has(name) ? Buffer.from("MSET") : argv[0]];
    for (const i of idx) {
      if (!filter.keyIncluded(argv[i])) continue;
      out.push(argv[i]);
      if (PAIRS.has(name)) out.push(argv[i + 1]);
    }
    return { kind: "split", argv: out };
  }
  const inKeys = idx.filter((i) => filter.keyIncluded(argv[i])).map((i) => argv[i]);
  const outKeys = idx.filter((i) => !filter.keyIncluded(argv[i])).map((i) => argv[i]);
  const list = (keys: Buffer[]) => keys.slice(0, 3).map((k) => printable(k, 60)).join(", ") + (keys.length > 3 ? ` (+${keys.length - 3})` : "");
  return {
    kind: "mixed",
    message: `${name.toUpperCase()} ties keys the key filter includes (${list(inKeys)}) to keys it excludes (${list(outKeys)}): it cannot be applied to the included keys alone`,
    keys: inKeys,
  };
}
