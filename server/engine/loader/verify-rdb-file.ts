import { createReadStream } from "node:fs";
import { DtsError } from "../../errors";
import { RdbParser } from "../rdb/parser";

export interface VerifyRdbFileOptions {
  signal?: AbortSignal;
  onProgress?(bytes: number, total: number): void;
  total: number;
}

/**
 * Reads a whole RDB file through the parser without writing anything: its structure (every record,
 * every value's lengths and encodings as the parser walks them) and its trailing checksum. `rdb load`
 * runs it first, so a truncated or damaged file is refused before the destination holds half of it.
 */
export async function verifyRdbFile(file: string, o: VerifyRdbFileOptions): Promise<{ keys: number; dbs: Set<number> }> {
  let keys = 0;
  const dbs = new Set<number>();
  const parser = new RdbParser(
    (e) => {
      if (e.kind === "key") {
        keys++;
        dbs.add(e.db);
      }
    },
    { transientValues: true },
  );
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  let bytes = 0;
  let lastReport = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (o.signal?.aborted) throw new DtsError("CANCELLED", "verification cancelled");
      parser.write(chunk);
      bytes += chunk.length;
      if (o.onProgress && Date.now() - lastReport >= 200) {
        lastReport = Date.now();
        o.onProgress(bytes, o.total);
      }
      if (parser.done) break;
    }
    parser.end();
  } finally {
    stream.destroy();
  }
  return { keys, dbs };
}
