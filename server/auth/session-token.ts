import { createHash, randomBytes } from "node:crypto";

/** The cookie carries a random token; the database only its hash, so a leaked table signs no one in. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export const SESSION_COOKIE = "redis_dts_session";
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
