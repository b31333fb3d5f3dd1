/**
 * A key or value as a person reads it: UTF-8 text when the bytes are printable UTF-8, otherwise the
 * quoted, escaped form redis-cli prints ("\x00ab\n"), which never hides a byte.
 */
export function printable(bytes: Buffer, max = 200): string {
  const text = bytes.toString("utf8");
  // eslint-disable-next-line no-control-regex
  if (Buffer.from(text, "utf8").equals(bytes) && !/[\x00-\x1f\x7f"\\]/.test(text) && !/\s$|^\s/.test(text)) {
    return text.length > max ? `${text.slice(0, max)}…` : text;
  }
  let out = '"';
  for (const b of bytes.subarray(0, max)) out += escapeByte(b);
  return out + (bytes.length > max ? '"…' : '"');
}

function escapeByte(b: number): string {
  switch (b) {
    case 0x5c: return "\\\\";
    case 0x22: return '\\"';
    case 0x0a: return "\\n";
    case 0x0d: return "\\r";
    case 0x09: return "\\t";
    case 0x07: return "\\a";
    case 0x08: return "\\b";
  }
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
}
