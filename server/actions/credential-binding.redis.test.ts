import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { asCaller } from "@/server/testing/fake-next-headers";
import { startRedis, stopAll, type RedisNode } from "@/server/testing/redis-harness";
import { makeTestCerts } from "@/server/testing/tls-certs";

vi.mock("next/headers", () => import("@/server/testing/fake-next-headers"));

/**
 * Finding 1 of issue 13: a stored Redis password must never be sent to an address other than the one
 * it was saved for. Played as the attacker did: through the real wizard actions, with a TCP listener
 * that records everything a "new source" receives.
 */
const SECRET = "stored-source-secret-9c1e";
let dir: string;
let source: RedisNode;
let target: RedisNode;
let trap: net.Server;
let trapPort = 0;
const received: Buffer[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-binding-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "binding.db")}`;
  process.env.REDIS_DTS_DATA_DIR = dir;
  process.env.REDIS_DTS_SECRET = "credential-binding-test-secret-0123";
  [source, target] = await Promise.all([startRedis({ password: SECRET }), startRedis()]);
  trap = net.createServer((socket) => {
    socket.on("data", (chunk) => received.push(chunk));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => trap.listen(0, "127.0.0.1", resolve));
  trapPort = (trap.address() as net.AddressInfo).port;
  const { ensureAdmin } = await import("@/server/auth/ensure-admin");
  const { signIn } = await import("@/server/auth/sign-in");
  const { SESSION_COOKIE } = await import("@/server/auth/session-token");
  await ensureAdmin({ password: "binding-admin-pw", log: () => {} });
  const session = await signIn({ username: "admin", password: "binding-admin-pw", address: "127.0.0.1" });
  if (!session.ok) throw new Error("sign-in failed");
  asCaller({ cookies: { [SESSION_COOKIE]: session.token } });
});

afterAll(async () => {
  trap?.close();
  await stopAll();
  const { closeDb } = await import("@/server/db/client");
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

const side = (node: { host: string; port: number }, extra: Record<string, unknown> = {}) => ({
  instanceType: "self_managed" as const,
  regionLabel: "lab",
  host: node.host,
  port: node.port,
  mode: "standalone" as const,
  ...extra,
});

describe("a stored password stays bound to its endpoint (through the wizard)", () => {
  it("asks for the password again when a side moves, and never sends the stored one elsewhere", async () => {
    const { createTask } = await import("@/server/db/task/create-task");
    const { saveInstancesAction } = await import("./save-instances.action");
    const { checkWhitelistAction } = await import("./check-whitelist.action");
    const { getDb } = await import("@/server/db/client");
    const task = await createTask({ name: "binding" });

    const first = await saveInstancesAction({ id: task.id, name: "binding", source: side(source, { password: SECRET }), destination: side(target) });
    expect(first.error).toBeUndefined();
    const ok = await checkWhitelistAction({ id: task.id, advance: false });
    expect(ok.data?.check.blocking).toEqual([]);

    // The attack: point the source at a listener, leave the password "unchanged".
    const trapSide = side({ host: "127.0.0.1", port: trapPort });
    const moved = await saveInstancesAction({ id: task.id, name: "binding", source: trapSide, destination: side(target) });
    expect(moved.error).toMatch(/stored password is only ever sent to 127\.0\.0\.1:\d+/);
    expect(moved.fieldErrors?.["source.password"]?.[0]).toMatch(/Enter the password for the new settings/);
    // Nothing was saved: the source still points where the secret belongs.
    const row = await getDb().endpoint.findUnique({ where: { taskId_role: { taskId: task.id, role: "source" } } });
    expect(row).toMatchObject({ host: source.host, port: source.port });

    // Mode and port count as moving too.
    const cluster = await saveInstancesAction({ id: task.id, name: "binding", source: side(source, { mode: "cluster" }), destination: side(target) });
    expect(cluster.fieldErrors?.["source.password"]).toBeDefined();

    // Saying the new address needs no password removes the stored one; the probe then sends none.
    const cleared = await saveInstancesAction({ id: task.id, name: "binding", source: { ...trapSide, clearPassword: true }, destination: side(target) });
    expect(cleared.error).toBeUndefined();
    await checkWhitelistAction({ id: task.id, advance: false });
    expect(Buffer.concat(received).toString("latin1")).not.toContain(SECRET);
  });

  it("refuses at the connection point a row pointed elsewhere behind the form's back", async () => {
    const { createTask } = await import("@/server/db/task/create-task");
    const { saveInstancesAction } = await import("./save-instances.action");
    const { checkWhitelistAction } = await import("./check-whitelist.action");
    const { getDb } = await import("@/server/db/client");
    const task = await createTask({ name: "tampered" });
    expect((await saveInstancesAction({ id: task.id, name: "tampered", source: side(source, { password: SECRET }), destination: side(target) })).error).toBeUndefined();
    await getDb().endpoint.update({ where: { taskId_role: { taskId: task.id, role: "source" } }, data: { port: trapPort } });
    received.length = 0;
    const probe = await checkWhitelistAction({ id: task.id, advance: true });
    expect(probe.error).toMatch(/Source 127\.0\.0\.1:\d+: A stored password cannot be used: it was saved for another address/);
    expect(Buffer.concat(received).toString("latin1")).not.toContain(SECRET);
  });

  it("stores a TLS section encrypted, refuses bad PEM as a field error, and probes a TLS-only server with it", async () => {
    const certs = makeTestCerts();
    const tlsNode = await startRedis({ password: SECRET, tls: { certs } });
    const { createTask } = await import("@/server/db/task/create-task");
    const { saveInstancesAction } = await import("./save-instances.action");
    const { checkWhitelistAction } = await import("./check-whitelist.action");
    const { getDb } = await import("@/server/db/client");
    const task = await createTask({ name: "tls" });
    const tlsSide = (extra: Record<string, unknown>) => side(tlsNode, { password: SECRET, tls: true, ...extra });

    const bad = await saveInstancesAction({ id: task.id, name: "tls", source: tlsSide({ tlsCa: "not a certificate" }), destination: side(target) });
    expect(bad.fieldErrors?.["source.tlsCa"]?.[0]).toMatch(/CA certificate: not a PEM certificate/);
    const mismatch = await saveInstancesAction({ id: task.id, name: "tls", source: tlsSide({ tlsCa: certs.ca, tlsCert: certs.clientCert, tlsKey: (await import("node:fs")).readFileSync(certs.serverKeyFile, "utf8") }), destination: side(target) });
    expect(mismatch.fieldErrors?.["source.tlsKey"]?.[0]).toMatch(/does not match the certificate/);
    expect(await getDb().endpoint.count({ where: { taskId: task.id } })).toBe(0);

    const ok = await saveInstancesAction({ id: task.id, name: "tls", source: tlsSide({ tlsCa: certs.ca }), destination: side(target) });
    expect(ok.error).toBeUndefined();
    const row = await getDb().endpoint.findUnique({ where: { taskId_role: { taskId: task.id, role: "source" } }, omit: { tlsEncrypted: false } });
    expect(row?.tls).toBe(true);
    expect(row?.tlsEncrypted).toMatch(/^v2\./);
    expect(row?.tlsEncrypted).not.toContain("BEGIN CERTIFICATE");
    const probe = await checkWhitelistAction({ id: task.id, advance: false });
    expect(probe.data?.check.blocking).toEqual([]);
    // saved again with the PEM fields empty: the stored CA is kept
    expect((await saveInstancesAction({ id: task.id, name: "tls", source: side(tlsNode, { tls: true }), destination: side(target) })).error).toBeUndefined();
    expect((await checkWhitelistAction({ id: task.id, advance: false })).data?.check.blocking).toEqual([]);
    // turning verification off is a move: the password is asked for again
    const insecure = await saveInstancesAction({ id: task.id, name: "tls", source: side(tlsNode, { tls: true, tlsInsecure: true }), destination: side(target) });
    expect(insecure.fieldErrors?.["source.password"]?.[0]).toMatch(/TLS/);
  });
});
