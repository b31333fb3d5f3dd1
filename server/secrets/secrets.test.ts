import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DtsError } from "../errors";
import { encryptSecret } from "./encrypt-secret";
import { decryptSecret } from "./decrypt-secret";
import { keyFromSecret, secretKey, secretKeyPath } from "./secret-key";

const dirs: string[] = [];
const tempEnv = (extra: Record<string, string> = {}): Record<string, string> => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-secret-"));
  dirs.push(dir);
  return { REDIS_DTS_DATA_DIR: path.join(dir, "data"), ...extra };
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("secret key", () => {
  it("is generated once into data/secret.key with mode 0600 and reused", () => {
    const env = tempEnv();
    const key = secretKey(env);
    expect(key.length).toBe(32);
    const file = secretKeyPath(env);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim()).toBe(key.toString("hex"));
    expect(secretKey(env).equals(key)).toBe(true);
  });

  it("comes from REDIS_DTS_SECRET when set, without writing a file", () => {
    const env = tempEnv({ REDIS_DTS_SECRET: "a passphrase of some length" });
    const key = secretKey(env);
    expect(key.equals(keyFromSecret("a passphrase of some length"))).toBe(true);
    expect(() => statSync(secretKeyPath(env))).toThrow();
    const hex = "ab".repeat(32);
    expect(keyFromSecret(hex).toString("hex")).toBe(hex);
    expect(() => keyFromSecret("short")).toThrow(DtsError);
  });

  it("refuses a key file that does not hold a key", () => {
    const env = tempEnv();
    const file = secretKeyPath(env);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "not a key\n");
    expect(() => secretKey(env)).toThrow(/does not hold a key/);
    expect(readFileSync(file, "utf8")).toBe("not a key\n");
  });
});

describe("AES-256-GCM secrets", () => {
  const key = keyFromSecret("0123456789abcdef-test-secret");

  it("round-trip any text, with a fresh nonce each time", () => {
    for (const text of ["", "p", "pässwörd with ünïcode ✓", "x".repeat(10_000)]) {
      const a = encryptSecret(text, key);
      const b = encryptSecret(text, key);
      expect(a).not.toBe(b);
      expect(a.startsWith("v1.")).toBe(true);
      expect(decryptSecret(a, key)).toBe(text);
    }
    expect(encryptSecret("hunter2", key)).not.toContain(Buffer.from("hunter2").toString("base64url"));
  });

  it("reject another key and any tampering with a clear error that does not echo the value", () => {
    const stored = encryptSecret("hunter2", key);
    const other = keyFromSecret("another secret of enough length");
    expect(() => decryptSecret(stored, other)).toThrow(/secret key/);
    const parts = stored.split(".");
    const body = Buffer.from(parts[3], "base64url");
    body[0] ^= 1;
    const tampered = [parts[0], parts[1], parts[2], body.toString("base64url")].join(".");
    let message = "";
    try {
      decryptSecret(tampered, key);
    } catch (err) {
      expect(err).toBeInstanceOf(DtsError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/cannot be decrypted/);
    expect(message).not.toContain("hunter2");
    expect(() => decryptSecret("plaintext-password", key)).toThrow(/expected encrypted format/);
    expect(() => decryptSecret("v1.AAAA.BBBB.CCCC", key)).toThrow(/damaged/);
  });

  it("bind a value to what it was given for: another binding, or none, cannot read it", () => {
    const bound = encryptSecret("hunter2", key, '["t1","source","10.0.0.1",6379,null,"standalone"]');
    expect(bound.startsWith("v2.")).toBe(true);
    expect(decryptSecret(bound, key, '["t1","source","10.0.0.1",6379,null,"standalone"]')).toBe("hunter2");
    expect(() => decryptSecret(bound, key, '["t1","source","10.6.6.6",6379,null,"standalone"]')).toThrow(/saved for another address/);
    expect(() => decryptSecret(bound, key)).toThrow(/bound to an endpoint/);
  });
});
