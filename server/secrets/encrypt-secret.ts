import { createCipheriv, randomBytes } from "node:crypto";
import { secretKey } from "./secret-key";

/** Format tag of unbound values: "v1.<iv>.<tag>.<ciphertext>", each part base64url (read, no longer written). */
export const SECRET_FORMAT = "v1";
/** Values bound to what they were given for: "v2.<iv>.<tag>.<ciphertext>". */
export const BOUND_SECRET_FORMAT = "v2";
/** Binds ciphertexts to this product and format so they cannot be replayed elsewhere. */
export const SECRET_AAD = Buffer.from("redis-dts:v1");

/**
 * The additional data of a bound value: the ciphertext only decrypts when the reader names the same
 * binding (for an endpoint password: task, side, host, port, user, mode), so a secret cannot follow a
 * row that was pointed somewhere else.
 */
export function boundAad(binding: string): Buffer {
  return Buffer.from(`redis-dts:v2\0${binding}`);
}

/** AES-256-GCM with a fresh 96-bit nonce per value; with `binding`, the value is bound to it. */
export function encryptSecret(plaintext: string, key: Buffer = secretKey(), binding?: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(binding === undefined ? SECRET_AAD : boundAad(binding));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  const format = binding === undefined ? SECRET_FORMAT : BOUND_SECRET_FORMAT;
  return [format, iv.toString("base64url"), tag.toString("base64url"), body.toString("base64url")].join(".");
}
