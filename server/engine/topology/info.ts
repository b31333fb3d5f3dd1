/**
 * INFO replies are plain `field:value` lines grouped under `# Section` headers. A server may send
 * anything, so parsing is bounded: at most MAX_FIELDS fields of at most MAX_LINE characters.
 */
const MAX_FIELDS = 4096;
const MAX_LINE = 4096;

export type InfoFields = Record<string, string>;

export function parseInfo(text: string): InfoFields {
  const out: InfoFields = Object.create(null);
  let count = 0;
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!line || line.startsWith("#") || line.length > MAX_LINE) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    out[line.slice(0, colon)] = line.slice(colon + 1);
    if (++count >= MAX_FIELDS) break;
  }
  return out;
}

/** A non-negative integer field, or undefined when absent or not a number. */
export function infoNumber(fields: InfoFields, name: string): number | undefined {
  const v = fields[name];
  if (v === undefined || !/^-?\d+(\.\d+)?$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** `db0:keys=3,expires=0,avg_ttl=0` → Map(0 → 3). */
export function keyspaceCounts(fields: InfoFields): Map<number, number> {
  const out = new Map<number, number>();
  for (const [name, value] of Object.entries(fields)) {
    const m = /^db(\d{1,5})$/.exec(name);
    if (!m) continue;
    const keys = /(?:^|,)keys=(\d{1,15})(?:,|$)/.exec(value);
    if (keys) out.set(Number(m[1]), Number(keys[1]));
  }
  return out;
}

/** `7.0.15` → [7, 0]; undefined for anything that is not a dotted version. */
export function majorMinor(version: string | undefined): [number, number] | undefined {
  const m = version ? /^(\d{1,4})\.(\d{1,4})/.exec(version) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function compareMajorMinor(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}
