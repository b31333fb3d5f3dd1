import { createReadStream, statSync } from "node:fs";
import { DtsError } from "../../errors";
import { RdbParser } from "../rdb/parser";
import type { RdbLoader } from "./loader";
import type { LoadStats } from "./types";

export interface LoadProgress {
  /** RDB bytes consumed */
  bytes: number;
  /** total RDB bytes when known */
  total?: number;
  keys: number;
}

export interface StreamLoadOptions {
  signal?: AbortSignal;
  total?: number;
  onProgress?(p: LoadProgress): void;
}

/**
 * Feeds an RDB byte stream through the parser into the loader. The source is only read while the
 * loader has room (async iteration pulls the next chunk after the await), so memory stays bounded
 * by one chunk, the writer's in-flight bounds and the largest value.
 */
export async function loadRdbStream(source: AsyncIterable<Buffer>, loader: RdbLoader, opts: StreamLoadOptions = {}): Promise<LoadStats> {
  let paused = false;
  const parser = new RdbParser(
    (e) => {
      if (!loader.push(e)) paused = true;
    },
    { transientValues: true },
  );
  let bytes = 0;
  let lastReport = 0;
  for await (const chunk of source) {
    if (opts.signal?.aborted) throw new DtsError("CANCELLED", "load cancelled");
    parser.write(chunk);
    bytes += chunk.length;
    if (paused) {
      paused = false;
      await loader.ready();
    }
    if (opts.onProgress && Date.now() - lastReport >= 200) {
      lastReport = Date.now();
      opts.onProgress({ bytes, total: opts.total, keys: loader.stats.keys });
    }
    if (parser.done) break;
  }
  parser.end();
  const stats = await loader.finish();
  opts.onProgress?.({ bytes, total: opts.total, keys: stats.keys });
  return stats;
}

/** Loads an RDB file (read in 256 KB chunks). */
export async function loadRdbFile(file: string, loader: RdbLoader, opts: StreamLoadOptions = {}): Promise<LoadStats> {
  let total: number;
  try {
    total = statSync(file).size;
  } catch (err) {
    throw new DtsError("INVALID_CONFIG", `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  try {
    return await loadRdbStream(stream, loader, { ...opts, total });
  } finally {
    stream.destroy();
  }
}
