import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import net from "node:net";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { freePort } from "../../testing/free-port";
import { PRECHECK_ITEMS } from "./types";
import { endpointOf, item, precheck } from "./test-pair";

let source: RedisNode;
let target: RedisNode;
let httpServer: http.Server;
let silent: net.Server;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  source = await startRedis({ password: "src-pw" });
  target = await startRedis({ password: "dst-pw" });
  httpServer = http.createServer((_q, r) => r.end("ok"));
  silent = net.createServer((s) => { sockets.add(s); s.on("error", () => {}); });
  await new Promise<void>((r) => httpServer.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
  await new Promise((r) => httpServer.close(r));
  await stopAll();
});

const portOf = (s: net.Server | http.Server) => (s.address() as net.AddressInfo).port;
const DEPENDENT_ON_SOURCE = ["source_auth", "source_version", "target_version", "source_psync", "source_mode", "db_mapping", "source_backlog", "same_deployment", "heartbeat", "target_capacity", "conflict", "modules", "source_notifications"] as const;

describe("runPrecheck", () => {
  it("passes a healthy standalone pair, every item present in order with its five fields", async () => {
    await source.client().set("k", "v");
    const r = await precheck({ source: endpointOf(source), target: endpointOf(target) });
    expect(r.items.map((i) => i.id)).toEqual(PRECHECK_ITEMS.map((i) => i.id));
    for (const i of r.items) {
      expect(Object.keys(i).sort()).toEqual(["fix", "id", "message", "name", "status"]);
      expect(i.status, `${i.id}: ${i.message}`).toBe("passed");
      expect(i.message.length).toBeGreaterThan(10);
    }
    expect(r.passed).toBe(true);
    expect(JSON.stringify(r)).not.toContain("src-pw");
  });

  it("reports a source port nobody listens on, and says why the dependent items were not checked", async () => {
    const port = await freePort();
    const r = await precheck({ source: { host: "127.0.0.1", port, mode: "standalone" }, target: endpointOf(target) });
    expect(r.passed).toBe(false);
    const c = item(r, "source_connectivity");
    expect(c.status).toBe("failed");
    expect(c.message).toMatch(/refused/);
    expect(c.fix).toMatch(/host and port/);
    expect(item(r, "target_connectivity").status).toBe("passed");
    for (const id of DEPENDENT_ON_SOURCE) {
      expect(item(r, id).status, id).toBe("failed");
      expect(item(r, id).message, id).toMatch(/^Not checked because the source could not be reached/);
    }
  });

  it("gives up on a server that accepts and stays silent within the timeout", async () => {
    const r = await precheck({ source: endpointOf(source), target: { host: "127.0.0.1", port: portOf(silent), mode: "standalone" }, timeoutMs: 400 });
    const c = item(r, "target_connectivity");
    expect(c.status).toBe("failed");
    expect(c.message).toMatch(/accepted the TCP connection but did not answer PING within 400 ms/);
    expect(item(r, "target_eviction").message).toMatch(/^Not checked because the destination could not be reached/);
    expect(item(r, "source_connectivity").status).toBe("passed");
  });

  it("names a port that speaks HTTP", async () => {
    const r = await precheck({ source: { host: "127.0.0.1", port: portOf(httpServer), mode: "standalone" }, target: endpointOf(target) });
    const c = item(r, "source_connectivity");
    expect(c.status).toBe("failed");
    expect(c.message).toMatch(/speaks HTTP, not Redis \(it answered "HTTP\/1\.1 400/);
    expect(c.fix).toMatch(/answers HTTP/);
  });

  it("reports a wrong password without showing it, and a missing one", async () => {
    const wrong = await precheck({ source: endpointOf(source), target: endpointOf(target, "standalone", { password: "not-it" }) });
    expect(item(wrong, "target_connectivity").status).toBe("passed");
    const auth = item(wrong, "target_auth");
    expect(auth.status).toBe("failed");
    expect(auth.message).toMatch(/refused the password for the default user/);
    expect(JSON.stringify(wrong)).not.toContain("not-it");
    expect(item(wrong, "target_capacity").message).toMatch(/^Not checked because authentication failed on the destination/);
    const missing = await precheck({ source: endpointOf(source, "standalone", {}), target: endpointOf(target) });
    expect(item(missing, "source_auth").message).toMatch(/requires a password and none was given/);
    expect(item(missing, "source_auth").status).toBe("failed");
    expect(item(missing, "source_auth").fix).toMatch(/password/);
  });
});
