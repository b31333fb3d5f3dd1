import { createDecipheriv } from "node:crypto";
import { DtsError } from "../errors";
import { SECRET_AAD, SECRET_FORMAT } from "./encrypt-secret";
import { secretKey } from "./secret-key";

/**
 * Reverses encryptSecret. A value encrypted with another key (REDIS_DTS_SECRET changed, secret.key
 * lost) or tampered with is an INVALID_CONFIG error that says what to do; the value is never echoed.
 */
export function decryptSecret(stored: string, key: Buffer = secretKey()): string {
  const parts = stored.split(".");
  if (parts.length !== 4 || parts[0] !== SECRET_FORMAT) {
    throw new DtsError("INVALID_CONFIG", "A stored password is not in the expected encrypted format; enter it again.");
  }
  const [, iv, tag, body] = parts.map((p, i) => (i === 0 ? Buffer.alloc(0) : Buffer.from(p, "base64url")));
  if (iv.length !== 12 || tag.length !== 16) {
    throw new DtsError("INVALID_CONFIG", "A stored password is damaged; enter it again.");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAAD(SECRET_AAD);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    throw new DtsError(
      "INVALID_CONFIG",
      "A stored password cannot be decrypted: the secret key (REDIS_DTS_SECRET or data/secret.key) is not the one it was saved with. Restore the key or enter the password again.",
    );
  }
}
