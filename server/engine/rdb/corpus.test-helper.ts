import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RdbParser } from "./parser";
import type { RdbEvent, RdbKeyEvent } from "./types";

/** The shared corpus of real RDB files, beside the checkout (../shared/rdb-corpus). */
export const CORPUS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../shared/rdb-corpus");

export interface CorpusFile {
  name: string;
  path: string;
  data: Buffer;
  magic: string;
  version: number;
}

/** Every corpus file; throws (so the suite fails loudly) when the corpus is not there. */
export function corpusFiles(): CorpusFile[] {
  if (!existsSync(CORPUS_DIR)) throw new Error(`RDB corpus not found at ${CORPUS_DIR}: these tests need ../shared/rdb-corpus beside the checkout`);
  const out: CorpusFile[] = [];
  for (const dir of readdirSync(CORPUS_DIR).sort()) {
    const full = path.join(CORPUS_DIR, dir);
    if (!existsSync(full) || dir.endsWith(".md")) continue;
    for (const f of readdirSync(full).sort()) {
      if (!f.endsWith(".rdb")) continue;
      const data = readFileSync(path.join(full, f));
      const head = data.subarray(0, 9).toString("latin1");
      const m = /^(REDIS|VALKEY)(\d+)$/.exec(head);
      out.push({ name: f, path: path.join(full, f), data, magic: m?.[1] ?? "?", version: m ? Number(m[2]) : -1 });
    }
  }
  if (out.length === 0) throw new Error(`RDB corpus at ${CORPUS_DIR} holds no .rdb files`);
  return out;
}

export function corpusFile(name: string): CorpusFile {
  const f = corpusFiles().find((c) => c.name === name);
  if (!f) throw new Error(`corpus file ${name} is missing`);
  return f;
}

/** Parses `data` fed as the given chunks; returns the events and the bytes each write consumed. */
export function parseChunks(chunks: Buffer[]): { events: RdbEvent[]; consumed: number } {
  const events: RdbEvent[] = [];
  const p = new RdbParser((e) => events.push(e));
  let consumed = 0;
  for (const c of chunks) consumed += p.write(c);
  p.end();
  return { events, consumed };
}

export function parseAll(data: Buffer): RdbEvent[] {
  return parseChunks([data]).events;
}

export function keyEvents(events: RdbEvent[]): RdbKeyEvent[] {
  return events.filter((e): e is RdbKeyEvent => e.kind === "key");
}

/** A stable text form of events, Buffers in hex, for deep comparisons. */
export function eventsText(events: RdbEvent[]): string {
  return JSON.stringify(events, (_k, v) => {
    if (v && typeof v === "object" && v.type === "Buffer" && Array.isArray(v.data)) return `hex:${Buffer.from(v.data).toString("hex")}`;
    return v;
  });
}

export function splitEvery(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}
