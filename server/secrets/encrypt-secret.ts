import { createCipheriv, randomBytes } from "node:crypto";
import { secretKey } from "./secret-key";

/** Format tag of the stored text: "v1.<iv>.<tag>.<ciphertext>", each part base64url. */
export const SECRET_FORMAT = "v1";
/** Binds ciphertexts to this product and format so they cannot be replayed elsewhere. */
export const SECRET_AAD = Buffer.from("redis-dts:v1");

/** AES-256-GCM with a fresh 96-bit nonce per value. */
export function encryptSecret(plaintext: string, key: Buffer = secretKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(SECRET_AAD);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [SECRET_FORMAT, iv.toString("base64url"), tag.toString("base64url"), body.toString("base64url")].join(".");
}
