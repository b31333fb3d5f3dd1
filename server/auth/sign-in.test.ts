import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "../db/client";
import { findSession } from "../db/session/find-session";
import { ensureAdmin } from "./ensure-admin";
import { generatePassword, hashPassword, verifyPassword } from "./password";
import { hashSessionToken } from "./session-token";
import { signIn } from "./sign-in";
import { backoffMs, retryAfterMs } from "./throttle";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-auth-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "auth.db")}`;
  process.env.REDIS_DTS_DATA_DIR = dir;
});
afterAll(async () => {
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

describe("passwords", () => {
  it("hash with scrypt and a salt, verify only the right password", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsE", a)).toBe(false);
    expect(await verifyPassword("correct horse", "plain")).toBe(false);
    expect(generatePassword()).toMatch(/^[\w-]{24}$/);
  });
});

describe("backoff", () => {
  it("lets the first mistakes through, then doubles the wait up to a cap", () => {
    expect([0, 1, 2].map(backoffMs)).toEqual([0, 0, 0]);
    expect([3, 4, 5].map(backoffMs)).toEqual([2000, 4000, 8000]);
    expect(backoffMs(40)).toBe(5 * 60 * 1000);
    const last = new Date(1_000_000);
    expect(retryAfterMs({ account: 4, address: 0, lastFailureAt: last }, new Date(1_001_000))).toBe(3000);
    expect(retryAfterMs({ account: 4, address: 0, lastFailureAt: last }, new Date(1_010_000))).toBe(0);
    // a shared address gets three times the slack of one account
    expect(retryAfterMs({ account: 0, address: 8, lastFailureAt: last }, last)).toBe(0);
    expect(retryAfterMs({ account: 0, address: 9, lastFailureAt: last }, last)).toBe(2000);
  });
});

describe("sign-in", () => {
  it("creates the first admin once, from ADMIN_PASSWORD", async () => {
    const lines: string[] = [];
    expect(await ensureAdmin({ password: "first-password", log: (l) => lines.push(l) })).toBe("created");
    expect(await ensureAdmin({ password: "other-password", log: (l) => lines.push(l) })).toBe("exists");
    expect(lines.join("\n")).not.toContain("first-password");
  });

  it("refuses a wrong password, slows repeated failures down, and opens a session for the right one", async () => {
    const t0 = new Date("2030-01-01T00:00:00Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const attempt = (password: string, ms: number, address = "10.0.0.1") => signIn({ username: "admin", password, address, now: at(ms) });

    for (let i = 0; i < 3; i++) expect(await attempt("wrong", i)).toEqual({ ok: false, reason: "invalid" });
    // the third failure arms a 2 s backoff: even the right password waits
    expect(await attempt("first-password", 100)).toEqual({ ok: false, reason: "throttled", retryAfterSeconds: 2 });
    // refusals while throttled are not counted, so waiting is enough
    expect(await attempt("wrong", 2_100)).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt("wrong", 2_200)).toMatchObject({ reason: "throttled", retryAfterSeconds: 4 });
    // per account: another address is throttled too
    expect(await attempt("first-password", 2_300, "10.9.9.9")).toMatchObject({ reason: "throttled" });
    // unknown accounts are refused the same way
    expect(await signIn({ username: "nobody", password: "x", address: "10.0.0.2", now: at(0) })).toEqual({ ok: false, reason: "invalid" });

    const ok = await attempt("first-password", 6_200);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    const session = await findSession({ tokenHash: hashSessionToken(ok.token), now: at(6_300) });
    expect(session?.operator.username).toBe("admin");
    // only the hash of the token is stored
    expect(await getDb().session.count({ where: { tokenHash: ok.token } })).toBe(0);
    // sessions expire
    expect(await findSession({ tokenHash: hashSessionToken(ok.token), now: new Date(ok.expiresAt.getTime() + 1) })).toBeNull();
    // success resets the backoff
    expect(await attempt("wrong", 6_400)).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt("first-password", 6_500)).toMatchObject({ ok: true });
  });

  it("resets the admin password on request and signs its sessions out", async () => {
    expect(await ensureAdmin({ password: "second-password", reset: true, log: () => {} })).toBe("reset");
    expect(await getDb().session.count()).toBe(0);
    expect((await signIn({ username: "admin", password: "second-password", address: "10.0.0.3" })).ok).toBe(true);
  });
});
