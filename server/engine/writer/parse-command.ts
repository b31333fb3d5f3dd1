import { RespDecoder } from "../resp/decoder";

/** Decodes one encoded command back into argv (error path only: reports name the command and key). */
export function parseCommand(bytes: Buffer): Buffer[] {
  let argv: Buffer[] = [];
  const decoder = new RespDecoder((value) => {
    if (Array.isArray(value)) argv = value.filter((v): v is Buffer => Buffer.isBuffer(v));
  });
  try {
    decoder.write(bytes);
  } catch {
    return [bytes];
  }
  return argv;
}

/** "RESTORE key:1" style short description for messages (binary-safe, bounded). */
export function describeCommand(argv: Buffer[]): string {
  const show = (b: Buffer) => {
    const text = b.subarray(0, 64).toString("utf8");
    return (/^[\x20-\x7e]*$/.test(text) ? text : JSON.stringify(text)) + (b.length > 64 ? "…" : "");
  };
  return argv.slice(0, 2).map(show).join(" ");
}

/** Where each command of an encoded run of commands starts and ends (error path: a batch's commands). */
export function commandFrames(bytes: Buffer): Array<[number, number]> {
  const frames: Array<[number, number]> = [];
  let at = 0;
  const line = (from: number): [number, number] => {
    const cr = bytes.indexOf(13, from);
    if (cr < 0) throw new Error("truncated command");
    return [Number(bytes.toString("latin1", from + 1, cr)), cr + 2];
  };
  while (at < bytes.length) {
    const start = at;
    if (bytes[at] !== 42) throw new Error("not a command array");
    let [n, p] = line(at);
    for (let i = 0; i < n; i++) {
      const [len, body] = line(p);
      p = body + len + 2;
    }
    frames.push([start, p]);
    at = p;
  }
  return frames;
}

/** The number of replies a batch's bytes ask for before its last one (0: not a run of commands). */
export function batchParts(bytes: Buffer): number {
  try {
    return Math.max(0, commandFrames(bytes).length - 1);
  } catch {
    return 0;
  }
}
