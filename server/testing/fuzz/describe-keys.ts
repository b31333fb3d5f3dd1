import { readKey, type LiveKey } from "../../engine/keys/read-key";
import { printable } from "../../engine/values/printable";
import type { CompareSample } from "../../engine/compare";
import { formatOp, mentions, type Op } from "./op";
import type { SideLink } from "./side-link";

/**
 * A differing key as a person debugging it needs it: both sides' type, TTL and value (cut to a
 * readable size), and the ops of the round that named the key, last ones first.
 */

const READER_CONN = 2000;

export async function describeSample(s: CompareSample, source: SideLink, target: SideLink, ops: Op[], maxOps = 8): Promise<string> {
  const key = Buffer.from(s.keyBase64, "base64");
  const lines = [`  ${s.kind} db${s.db}${s.targetDb !== s.db ? `→db${s.targetDb}` : ""} ${s.key}: ${s.detail}`];
  if (s.kind === "function") return lines[0];
  const read = async (link: SideLink, db: number) => {
    try {
      return renderKey(await readKey(await link.conn(READER_CONN, link.masterOf(key), db), key));
    } catch (err) {
      return `(unreadable: ${(err as Error).message})`;
    }
  };
  lines.push(`    source: ${await read(source, s.db)}`);
  lines.push(`    target: ${await read(target, s.targetDb)}`);
  const touching = ops.filter((op) => mentions(op, key));
  if (touching.length > 0) {
    lines.push(`    ${touching.length} op(s) named it; the last ${Math.min(maxOps, touching.length)}:`);
    for (const op of touching.slice(-maxOps)) lines.push(`      ${formatOp(op)}`);
  } else lines.push("    no op of the round named it (seeded or filler data)");
  return lines.join("\n");
}

const p = (b: Buffer) => printable(b, 40);
const few = <T>(xs: T[], show: (x: T) => string, n = 8) => `[${xs.slice(0, n).map(show).join(", ")}${xs.length > n ? `, … ${xs.length - n} more` : ""}]`;

export function renderKey(k: LiveKey | null): string {
  if (!k) return "(none)";
  const ttl = k.expireAt === null ? "no ttl" : `expires in ${k.expireAt - Date.now()} ms`;
  const v = k.value;
  let body: string;
  switch (v.type) {
    case "string": body = `${v.value.length} bytes ${p(v.value)}`; break;
    case "list": body = `${v.items.length} items ${few(v.items, p)}`; break;
    case "set": body = `${v.members.length} members ${few([...v.members].sort(Buffer.compare), p)}`; break;
    case "hash": body = `${v.fields.length} fields ${few([...v.fields].sort((a, b) => Buffer.compare(a.field, b.field)), (f) => `${p(f.field)}=${p(f.value)}`)}`; break;
    case "zset": body = `${v.entries.length} members ${few([...v.entries].sort((a, b) => Buffer.compare(a.member, b.member)), (e) => `${p(e.member)}:${e.score}`)}`; break;
    case "stream": {
      const s = v.stream;
      const groups = s.groups.map((g) => `${p(g.name)}(last ${g.lastId}, pel ${few(g.pending, (e) => `${e.id}/${p(e.consumer)}/${e.deliveryCount}x@${e.deliveryTime}`, 4)}, consumers ${few(g.consumers, (c) => `${p(c.name)}:${c.pending.length}`, 4)})`);
      body = `length ${s.length}, last id ${s.lastId}, first ${s.firstId ?? "?"}, max deleted ${s.maxDeletedId ?? "?"}, added ${s.entriesAdded ?? "?"}, entries ${few(s.entries, (e) => e.id, 5)}, groups ${groups.join(" ") || "none"}`;
      break;
    }
    case "module": body = `module value of type ${v.moduleName}`; break;
  }
  return `${v.type}, ${ttl}, ${body}`;
}
