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
    const none = { pair: 0, address: 0, account: 0 };
    expect(retryAfterMs({ ...none, pair: 4, address: 4, account: 4, lastFailureAt: last }, new Date(1_001_000))).toBe(3000);
    expect(retryAfterMs({ ...none, pair: 4, address: 4, account: 4, lastFailureAt: last }, new Date(1_010_000))).toBe(0);
    // a shared address gets three times the slack of one account
    expect(retryAfterMs({ ...none, address: 8, lastFailureAt: last }, last)).toBe(0);
    expect(retryAfterMs({ ...none, address: 9, lastFailureAt: last }, last)).toBe(2000);
    // an account flooded from elsewhere slows an address that failed for it, never a clean one
    expect(retryAfterMs({ ...none, account: 90, lastFailureAt: last }, last)).toBe(0);
    expect(retryAfterMs({ ...none, pair: 1, address: 1, account: 90, lastFailureAt: last }, last)).toBe(5 * 60 * 1000);
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
    // another address that never failed is not locked out by this one's failures
    expect(await attempt("wrong", 2_300, "10.9.9.9")).toEqual({ ok: false, reason: "invalid" });
    // unknown accounts are refused the same way
    expect(await signIn({ username: "nobody", password: "x", address: "10.0.0.2", now: at(0) })).toEqual({ ok: false, reason: "invalid" });

    // 10.9.9.9's failure for the same account counts toward this address's wait (it failed too)
    expect(await attempt("first-password", 6_200)).toMatchObject({ reason: "throttled" });
    const ok = await attempt("first-password", 6_400);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    const session = await findSession({ tokenHash: hashSessionToken(ok.token), now: at(6_300) });
    expect(session?.operator.username).toBe("admin");
    // only the hash of the token is stored
    expect(await getDb().session.count({ where: { tokenHash: ok.token } })).toBe(0);
    // sessions expire
    expect(await findSession({ tokenHash: hashSessionToken(ok.token), now: new Date(ok.expiresAt.getTime() + 1) })).toBeNull();
    // success resets the backoff
    expect(await attempt("wrong", 6_500)).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt("first-password", 6_600)).toMatchObject({ ok: true });
  });

  it("counts parallel guesses before checking any: of 100 at once only the free ones reach the password", async () => {
    const now = new Date("2031-01-01T00:00:00Z");
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => signIn({ username: "admin", password: i === 99 ? "first-password" : `guess-${i}`, address: "10.1.1.1", now })),
    );
    const invalid = results.filter((r) => !r.ok && r.reason === "invalid").length;
    const signedIn = results.filter((r) => r.ok).length;
    const throttled = results.filter((r) => !r.ok && r.reason === "throttled").length;
    // at most the three free failures (the right password among them only if it came early enough)
    expect(invalid + signedIn).toBeLessThanOrEqual(3);
    expect(invalid + signedIn + throttled).toBe(100);
    // every checked guess is recorded, and only those
    const recorded = await getDb().signInAttempt.count({ where: { address: "10.1.1.1", time: now } });
    expect(recorded).toBe(invalid + signedIn);
  });

  it("slows every address that failed for a flooded account, never a clean address with the right password", async () => {
    const now = new Date("2032-01-01T00:00:00Z");
    const flood = Array.from({ length: 12 }, (_, i) => `10.2.0.${i}`);
    for (const address of flood) expect(await signIn({ username: "admin", password: "guess", address, now })).toEqual({ ok: false, reason: "invalid" });
    // a flooding address is slowed at its next attempt, a new one after its first failure
    expect(await signIn({ username: "admin", password: "guess", address: flood[0], now })).toMatchObject({ reason: "throttled" });
    expect(await signIn({ username: "admin", password: "guess", address: "10.3.0.1", now })).toEqual({ ok: false, reason: "invalid" });
    expect(await signIn({ username: "admin", password: "first-password", address: "10.3.0.1", now })).toMatchObject({ reason: "throttled" });
    // the operator at a clean address signs in at once
    expect(await signIn({ username: "admin", password: "first-password", address: "10.4.0.1", now })).toMatchObject({ ok: true });
    // and that does not clear the flood's failures
    expect(await signIn({ username: "admin", password: "guess", address: flood[1], now })).toMatchObject({ reason: "throttled" });
  });

  it("resets the admin password on request and signs its sessions out", async () => {
    expect(await ensureAdmin({ password: "second-password", reset: true, log: () => {} })).toBe("reset");
    expect(await getDb().session.count()).toBe(0);
    expect((await signIn({ username: "admin", password: "second-password", address: "10.0.0.3" })).ok).toBe(true);
  });
});
