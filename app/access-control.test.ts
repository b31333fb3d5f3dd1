import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { asCaller } from "@/server/testing/fake-next-headers";

vi.mock("next/headers", () => import("@/server/testing/fake-next-headers"));

/**
 * Finding 7 of issue 13: every server action and route refuses a signed-out caller, and a viewer
 * where it changes something; admin actions refuse operators. The actions and routes are found on
 * disk, so a new one that forgets its guard fails here.
 */
const APP = path.resolve(import.meta.dirname);
/** where the server actions live (and any left in a route folder) */
const ACTION_DIRS = [path.resolve(APP, "../server/actions"), APP];
const PUBLIC_ACTIONS = new Set(["signInAction", "signOutAction"]);
const VIEWER_ACTIONS = new Set(["changeOwnPasswordAction"]);
const ADMIN_ACTIONS = new Set(["createOperatorAction", "setOperatorRoleAction", "deleteOperatorAction", "resetOperatorPasswordAction"]);

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = path.join(dir, e);
    return statSync(full).isDirectory() ? files(full, suffix) : e.endsWith(suffix) ? [full] : [];
  });
}

let dir: string;
const tokens: Record<"viewer" | "operator" | "admin", string> = { viewer: "", operator: "", admin: "" };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-access-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "access.db")}`;
  process.env.REDIS_DTS_DATA_DIR = dir;
  process.env.REDIS_DTS_SECRET = "access-control-test-secret-0123456789";
  const { createOperator } = await import("@/server/db/operator/create-operator");
  const { hashPassword } = await import("@/server/auth/password");
  const { signIn } = await import("@/server/auth/sign-in");
  for (const role of ["viewer", "operator", "admin"] as const) {
    await createOperator({ username: `${role}-1`, role, passwordHash: await hashPassword(`${role}-password-123`) });
    const s = await signIn({ username: `${role}-1`, password: `${role}-password-123`, address: `10.9.0.${role.length}` });
    if (!s.ok) throw new Error("sign-in failed");
    tokens[role] = s.token;
  }
});

afterAll(async () => {
  const { closeDb } = await import("@/server/db/client");
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

async function as(who: "signed-out" | "viewer" | "operator" | "admin") {
  const { SESSION_COOKIE } = await import("@/server/auth/session-token");
  asCaller(who === "signed-out" ? {} : { cookies: { [SESSION_COOKIE]: tokens[who] } });
}

async function allActions(): Promise<Array<[string, string, (input: unknown) => Promise<{ error?: string; code?: string }>]>> {
  const out: Array<[string, string, (input: unknown) => Promise<{ error?: string; code?: string }>]> = [];
  for (const file of ACTION_DIRS.flatMap((d) => files(d, ".action.ts"))) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) if (typeof fn === "function") out.push([path.relative(APP, file), name, fn as never]);
  }
  return out;
}

describe("server actions", () => {
  it("refuse a signed-out caller, except signing in and out", async () => {
    const actions = await allActions();
    expect(actions.length).toBeGreaterThanOrEqual(20);
    await as("signed-out");
    for (const [file, name, fn] of actions) {
      if (PUBLIC_ACTIONS.has(name)) continue;
      const r = await fn({ id: "x" });
      expect(r?.code, `${file} ${name}`).toBe("UNAUTHENTICATED");
    }
  });

  it("refuse a viewer everything that changes something, and an operator the admin's actions", async () => {
    const actions = await allActions();
    await as("viewer");
    for (const [file, name, fn] of actions) {
      if (PUBLIC_ACTIONS.has(name) || VIEWER_ACTIONS.has(name)) continue;
      expect((await fn({ id: "x" }))?.code, `${file} ${name}`).toBe("FORBIDDEN");
    }
    await as("operator");
    for (const [file, name, fn] of actions) {
      const r = PUBLIC_ACTIONS.has(name) ? null : await fn({ id: "x" });
      if (ADMIN_ACTIONS.has(name)) expect(r?.code, `${file} ${name}`).toBe("FORBIDDEN");
      else if (r) expect(r.code, `${file} ${name}`).not.toBe("FORBIDDEN");
    }
  });

  it("let an admin manage operators, never remove the last admin, and let anyone change their own password", async () => {
    const { createOperatorAction } = await import("@/server/actions/create-operator.action");
    const { setOperatorRoleAction } = await import("@/server/actions/set-operator-role.action");
    const { changeOwnPasswordAction } = await import("@/server/actions/change-password.action");
    const { findOperators } = await import("@/server/db/operator/find-operators");
    await as("admin");
    const made = await createOperatorAction({ username: "new-viewer", role: "viewer" });
    expect(made.data?.generatedPassword).toMatch(/^[\w-]{24}$/);
    expect((await createOperatorAction({ username: "new-viewer", role: "viewer" })).fieldErrors?.username?.[0]).toMatch(/taken/);
    const admin = (await findOperators()).find((o) => o.username === "admin-1")!;
    expect((await setOperatorRoleAction({ id: admin.id, role: "viewer" })).error).toMatch(/last admin/);
    await as("viewer");
    expect((await changeOwnPasswordAction({ current: "wrong", next: "a-new-password-1" })).fieldErrors?.current?.[0]).toMatch(/not right/);
    expect((await changeOwnPasswordAction({ current: "viewer-password-123", next: "a-new-password-1" })).data).toEqual({ changed: true });
    const { signIn } = await import("@/server/auth/sign-in");
    expect((await signIn({ username: "viewer-1", password: "a-new-password-1", address: "10.9.9.1" })).ok).toBe(true);
  });
});

describe("route handlers", () => {
  it("answer 401 without a session and let a viewer read", async () => {
    const routes = files(path.join(APP, "api"), "route.ts");
    expect(routes.length).toBeGreaterThanOrEqual(7);
    const context = { params: Promise.resolve({ id: "no-such-task", runId: "no-such-run" }) };
    for (const file of routes) {
      const mod = (await import(file)) as Record<string, (req: Request, ctx: unknown) => Promise<Response>>;
      for (const [method, handler] of Object.entries(mod)) {
        if (!/^(GET|POST|PUT|PATCH|DELETE)$/.test(method)) continue;
        if (file.endsWith(path.join("api", "metrics", "route.ts"))) {
          // Prometheus scrapes with a bearer token, not a session: 404 while no token is configured,
          // 401 without the right one, whoever is signed in
          await as("viewer");
          expect((await handler(new Request("http://console.test/api/metrics", { method }), context)).status, `${file} ${method} unset`).toBe(404);
          process.env.REDIS_DTS_METRICS_TOKEN = "metrics-token-of-the-access-test";
          try {
            expect((await handler(new Request("http://console.test/api/metrics", { method }), context)).status, `${file} ${method} no token`).toBe(401);
            const wrong = new Request("http://console.test/api/metrics", { method, headers: { authorization: "Bearer not-it" } });
            expect((await handler(wrong, context)).status, `${file} ${method} wrong token`).toBe(401);
          } finally {
            delete process.env.REDIS_DTS_METRICS_TOKEN;
          }
          continue;
        }
        await as("signed-out");
        expect((await handler(new Request("http://console.test/api/x", { method }), context)).status, `${file} ${method}`).toBe(401);
        await as("viewer");
        const status = (await handler(new Request("http://console.test/api/x", { method }), context)).status;
        expect([401, 403], `${file} ${method} for a viewer`).not.toContain(status);
      }
    }
  });
});

describe("sessions", () => {
  it("end after 30 minutes without activity, and stay alive while used", async () => {
    const { findSession } = await import("@/server/db/session/find-session");
    const { hashSessionToken } = await import("@/server/auth/session-token");
    const tokenHash = hashSessionToken(tokens.operator);
    const start = new Date();
    const at = (min: number) => new Date(start.getTime() + min * 60_000);
    expect(await findSession({ tokenHash, now: at(20) })).not.toBeNull();
    expect(await findSession({ tokenHash, now: at(45) })).not.toBeNull(); // 25 minutes after the last use
    expect(await findSession({ tokenHash, now: at(76) })).toBeNull(); // 31 minutes idle
  });
});
