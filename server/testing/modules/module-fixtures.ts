import type { Cluster, Redis } from "ioredis";
import { buildModule } from "./build-module";

/** Config for startRedis/startCluster: the server loads our dtstype module (built on first use). */
export function withDtstype(defines: Record<string, string | number> = {}): { config: Record<string, string> } {
  return { config: { loadmodule: buildModule("dtstype", defines) } };
}

/** The module type's name in TYPE replies and in the RDB (9 characters). */
export const DTSTYPE_TYPE = "dts-value";

/**
 * `count` dtstype values under `prefix`: text, binary and empty values, some built by APPEND, some
 * with a TTL, one over 1 MB. Returns their key names.
 */
export async function seedModuleKeys(c: Redis | Cluster, prefix: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const k = `${prefix}${i}`;
    keys.push(k);
    const value = i % 5 === 0 ? Buffer.from([0, 255, i & 0xff, 13, 10]) : i % 11 === 0 ? "" : `module-value-${i}-`.repeat(1 + (i % 7));
    pending.push(
      c.call("DTSTYPE.SET", k, value).then(async () => {
        if (i % 3 === 0) await c.call("DTSTYPE.APPEND", k, `+${i}`);
        if (i % 4 === 0) await c.pexpire(k, 3_600_000 + i);
      }),
    );
    if (pending.length >= 200) await Promise.all(pending.splice(0));
  }
  const big = `${prefix}big`;
  pending.push(c.call("DTSTYPE.SET", big, Buffer.alloc(1_200_000, 0x61)));
  keys.push(big);
  await Promise.all(pending);
  return keys;
}

/** DTSTYPE.GET of each key (null when missing). */
export async function moduleValues(c: Redis | Cluster, keys: string[]): Promise<Map<string, Buffer | null>> {
  const out = new Map<string, Buffer | null>();
  const values = await Promise.all(keys.map((k) => c.callBuffer("DTSTYPE.GET", k) as Promise<Buffer | null>));
  keys.forEach((k, i) => out.set(k, values[i]));
  return out;
}

/** Keys whose values differ between two sides (by DTSTYPE.GET and remaining TTL within `ttlMs`). */
export async function moduleDifferences(a: Redis | Cluster, b: Redis | Cluster, keys: string[], ttlMs = 2000): Promise<string[]> {
  const [va, vb] = await Promise.all([moduleValues(a, keys), moduleValues(b, keys)]);
  const [ta, tb] = await Promise.all([Promise.all(keys.map((k) => a.pexpiretime(k))), Promise.all(keys.map((k) => b.pexpiretime(k)))]);
  const out: string[] = [];
  keys.forEach((k, i) => {
    const x = va.get(k);
    const y = vb.get(k);
    const same = x === null || y === null ? x === y : x!.equals(y!);
    const ttlSame = ta[i] < 0 || tb[i] < 0 ? ta[i] === tb[i] : Math.abs(ta[i] - tb[i]) <= ttlMs;
    if (!same) out.push(`${k}: ${x === null ? "missing" : `${x!.length} bytes`} vs ${y === null ? "missing" : `${y!.length} bytes`}`);
    else if (!ttlSame) out.push(`${k}: expires at ${ta[i]} vs ${tb[i]}`);
  });
  return out;
}
