import { createReadStream } from "node:fs";
import { UsageError } from "../args";
import type { CliCommand } from "../command";
import { DtsError } from "../../errors";
import { RdbParser } from "../../engine/rdb/parser";
import { decodeValue } from "../../engine/rdb/decode-value";
import { jsonBytes, jsonValue, libraryName } from "../../engine/rdb/dump-json";
import { ENCODING_NAMES } from "../../engine/rdb/constants";
import type { RdbEvent } from "../../engine/rdb/types";
import type { TypedValue } from "../../engine/values/typed-value";

const SUMMARY = `Print every key of an RDB file (any RDB version 1-12, Valkey's VALKEY080).

With --json: one JSON object per key per line:
  {"db": 0, "key": ..., "type": "string|list|set|zset|hash|stream|module|function", "expireAt": ms|null, "value": ...}
Byte strings (keys, values, members, fields) are JSON strings when they are valid UTF-8, otherwise
{"base64": "..."}. Values: string: bytes; list, set: [bytes]; zset: [[member, score]] (score a
number or "inf"/"-inf"); hash: [[field, value]] or [field, value, expireAtMs] for a field with a
TTL; stream: {entries: [{id, fields}], length, lastId, firstId, maxDeletedId, entriesAdded,
groups: [{name, lastId, entriesRead, pending: [{id, consumer, deliveryTime, deliveryCount}],
consumers: [{name, seenTime, activeTime, pending: [id]}]}]}; module: {"module": name} (module
data cannot be decoded); function: the library's code, with "key" the library name and "db" null.
Without --json: a readable listing. The file is streamed, never read whole.`;

const command: CliCommand = {
  name: "rdb dump",
  summary: SUMMARY,
  usage: "rdb dump FILE [--json]",
  flags: [{ name: "json", value: false, help: "one JSON object per key per line (format above)" }],
  async run(args, io) {
    const [file, extra] = args.positionals;
    if (!file) throw new UsageError("FILE is required");
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const json = args.flags.json === true;
    let lines: string[] = [];
    const format = json ? jsonLine : textLine;
    const parser = new RdbParser((e) => {
      const line = format(e);
      if (line !== null) lines.push(line);
    });
    const input = createReadStream(file, { highWaterMark: 256 * 1024 });
    // a reader that goes away (`| head`) is a normal end, not an error
    let closed = false;
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
      closed = true;
    };
    io.stdout.on("error", onError);
    try {
      for await (const chunk of input) {
        if (io.signal.aborted) throw new DtsError("CANCELLED", "rdb dump was interrupted");
        if (closed) return 0;
        parser.write(chunk as Buffer);
        if (lines.length > 0) {
          const text = lines.join("\n") + "\n";
          lines = [];
          if (!io.stdout.write(text)) await drained(io.stdout);
        }
        if (parser.done) break;
      }
      if (closed) return 0;
      parser.end();
    } catch (err) {
      if (closed || (err as NodeJS.ErrnoException).code === "EPIPE") return 0;
      throw err;
    } finally {
      input.destroy();
      io.stdout.off("error", onError);
    }
    return 0;
  },
};

export default command;

/** resolves on 'drain', or on 'close' when the reader went away */
function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
  });
}

function jsonLine(e: RdbEvent): string | null {
  if (e.kind === "key") {
    const value = jsonValue(decodeValue(e));
    return JSON.stringify({ db: e.db, key: jsonBytes(e.key), type: e.type, expireAt: e.expireAt, value });
  }
  if (e.kind === "function") {
    const name = e.name ? e.name.toString("utf8") : libraryName(e.code);
    return JSON.stringify({ db: null, key: name, type: "function", expireAt: null, value: jsonBytes(e.code) });
  }
  return null;
}

function show(b: Buffer, max = 60): string {
  const s = JSON.stringify(jsonBytes(b.length > max ? b.subarray(0, max) : b));
  return b.length > max ? `${s}…(${b.length} bytes)` : s;
}

function summary(v: TypedValue): string {
  const list = (xs: string[], n: number) => `[${xs.slice(0, 5).join(", ")}${n > 5 ? `, … ${n} in all` : ""}]`;
  switch (v.type) {
    case "string":
      return show(v.value);
    case "list":
      return list(v.items.slice(0, 5).map((x) => show(x, 30)), v.items.length);
    case "set":
      return list(v.members.slice(0, 5).map((x) => show(x, 30)), v.members.length);
    case "zset":
      return list(v.entries.slice(0, 5).map((x) => `${show(x.member, 30)}:${x.score}`), v.entries.length);
    case "hash":
      return list(v.fields.slice(0, 5).map((f) => `${show(f.field, 30)}=${show(f.value, 30)}${f.expireAt ? `@${f.expireAt}` : ""}`), v.fields.length);
    case "stream":
      return `${v.stream.length} entries, last ${v.stream.lastId}, ${v.stream.groups.length} group(s)`;
    case "module":
      return `module ${v.moduleName} (not decodable)`;
  }
}

function textLine(e: RdbEvent): string | null {
  switch (e.kind) {
    case "header":
      return `# ${e.magic} RDB version ${e.version}`;
    case "aux":
      return `# aux ${show(e.key)} = ${show(e.value)}`;
    case "function":
      return `function ${e.name ? e.name.toString("utf8") : (libraryName(e.code) ?? "?")}: ${e.code.length} bytes of code`;
    case "module-aux":
      return `# module aux data of ${e.moduleName}`;
    case "end":
      return `# end (checksum ${e.checksum})`;
    case "key": {
      const ttl = e.expireAt === null ? "" : ` expires ${new Date(e.expireAt).toISOString()}`;
      return `db${e.db} ${e.type}(${ENCODING_NAMES[e.rdbType] ?? e.rdbType}) ${show(e.key)}${ttl} ${summary(decodeValue(e))}`;
    }
    default:
      return null;
  }
}
