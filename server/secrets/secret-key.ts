import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DtsError } from "../errors";
import { dataDir, type Env } from "../paths";

/**
 * The 32-byte key that encrypts stored passwords: from REDIS_DTS_SECRET, else ./data/secret.key,
 * generated once with mode 0600. Losing it makes stored passwords unreadable (re-enter them).
 * No `server-only`: the engine and the CLI decrypt endpoint passwords too.
 */
export function secretKeyPath(env: Env = process.env): string {
  return path.join(dataDir(env), "secret.key");
}

/** 64 hex digits are the key itself; any other text is a passphrase hashed into one. */
export function keyFromSecret(secret: string): Buffer {
  const trimmed = secret.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (trimmed.length < 16) {
    throw new DtsError("INVALID_CONFIG", "REDIS_DTS_SECRET is too short: use at least 16 characters (or 64 hex digits).");
  }
  return createHash("sha256").update(`redis-dts secret key\0${trimmed}`).digest();
}

function readKeyFile(file: string): Buffer {
  const text = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) {
    throw new DtsError("INVALID_CONFIG", `${file} does not hold a key (64 hex digits); restore it from a backup or set REDIS_DTS_SECRET.`);
  }
  return Buffer.from(text, "hex");
}

function loadOrCreateKeyFile(file: string): Buffer {
  try {
    return readKeyFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": if another process creates it at the same moment, we read theirs instead.
    writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  // A umask cannot widen 0600, but an existing file from elsewhere might be looser.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return readKeyFile(file);
}

const cache = new Map<string, Buffer>();

export function secretKey(env: Env = process.env): Buffer {
  const fromEnv = env.REDIS_DTS_SECRET;
  const id = fromEnv ? `env:${createHash("sha256").update(fromEnv).digest("hex")}` : `file:${secretKeyPath(env)}`;
  let key = cache.get(id);
  if (!key) {
    key = fromEnv ? keyFromSecret(fromEnv) : loadOrCreateKeyFile(secretKeyPath(env));
    cache.set(id, key);
  }
  return key;
}
