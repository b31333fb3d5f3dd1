import { createDecipheriv } from "node:crypto";
import { DtsError } from "../errors";
import { BOUND_SECRET_FORMAT, SECRET_AAD, SECRET_FORMAT, boundAad } from "./encrypt-secret";
import { secretKey } from "./secret-key";

/**
 * Reverses encryptSecret. A value encrypted with another key (REDIS_DTS_SECRET changed, secret.key
 * lost), tampered with, or bound to another binding than `binding` is an INVALID_CONFIG error that
 * says what to do; the value is never echoed. A bound (v2) value is never read without its binding.
 */
export function decryptSecret(stored: string, key: Buffer = secretKey(), binding?: string): string {
  const parts = stored.split(".");
  const format = parts[0];
  if (parts.length !== 4 || (format !== SECRET_FORMAT && format !== BOUND_SECRET_FORMAT)) {
    throw new DtsError("INVALID_CONFIG", "A stored password is not in the expected encrypted format; enter it again.");
  }
  if (format === BOUND_SECRET_FORMAT && binding === undefined) {
    throw new DtsError("INVALID_CONFIG", "A stored password is bound to an endpoint and cannot be read without it.");
  }
  const [, iv, tag, body] = parts.map((p, i) => (i === 0 ? Buffer.alloc(0) : Buffer.from(p, "base64url")));
  if (iv.length !== 12 || tag.length !== 16) {
    throw new DtsError("INVALID_CONFIG", "A stored password is damaged; enter it again.");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAAD(format === BOUND_SECRET_FORMAT ? boundAad(binding as string) : SECRET_AAD);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    throw new DtsError(
      "INVALID_CONFIG",
      format === BOUND_SECRET_FORMAT
        ? "A stored password cannot be used: it was saved for another address, user or mode (or with another secret key, REDIS_DTS_SECRET or data/secret.key). Enter the password again."
        : "A stored password cannot be decrypted: the secret key (REDIS_DTS_SECRET or data/secret.key) is not the one it was saved with. Restore the key or enter the password again.",
    );
  }
}
