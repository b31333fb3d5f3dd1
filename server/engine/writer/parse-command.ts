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
