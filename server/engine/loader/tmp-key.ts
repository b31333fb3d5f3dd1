import calculateSlot from "cluster-key-slot";

/**
 * A temporary key in the same cluster slot as `key`, to build a value aside and move it in place
 * atomically. The hash tag is a short string chosen per slot (found once, lazily), so it works for
 * every key, including keys whose own braces do not form a hash tag.
 */
let tagBySlot: string[] | null = null;

function tags(): string[] {
  if (tagBySlot) return tagBySlot;
  const out = new Array<string>(16384);
  let missing = 16384;
  for (let n = 0; missing > 0; n++) {
    const tag = n.toString(36);
    const slot = calculateSlot(tag);
    if (out[slot] === undefined) {
      out[slot] = tag;
      missing--;
    }
  }
  tagBySlot = out;
  return out;
}

export function tmpKeyFor(key: Buffer): Buffer {
  const tag = tags()[calculateSlot(key)];
  return Buffer.concat([Buffer.from(`__dts_tmp:{${tag}}:`), key]);
}

/**
 * Moves the temporary key in place unless the target exists (then drops it and answers BUSYKEY,
 * like RESTORE without REPLACE): the intercept policy for values rebuilt with typed commands.
 */
export const RENAME_IF_ABSENT = `if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('DEL', KEYS[1]) return redis.error_reply('BUSYKEY Target key name already exists.') end
redis.call('RENAME', KEYS[1], KEYS[2]) return 'OK'`;
