import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALERT_RULES, ZAlertRulesSchema, type TAlertPayload, type TAlertRules } from "../../../contracts/alert.types";
import { evaluateRules, type AlertState } from "./evaluate-rules";
import { evaluateTaskAlerts } from "./evaluate-task-alerts";
import { closeDb } from "../../db/client";
import { createTask } from "../../db/task/create-task";
import { saveTaskAlerts } from "../../db/task/save-task-alerts";
import { findTaskEvents } from "../../db/task-event/find-task-events";
import { waitFor } from "../../testing/redis-harness";

const rules: TAlertRules = { webhookUrl: "http://127.0.0.1:1/hook", latency: { enabled: true, seconds: 5, minutes: 2 }, failed: { enabled: true }, refused: { enabled: true } };

describe("alert rules", () => {
  it("latency fires only after staying above N s for M minutes, once, and resolves once", () => {
    const t0 = 1_000_000;
    let state: AlertState = {};
    const step = (at: number, latencyMs: number | null) => {
      const r = evaluateRules(rules, { state: "synchronizing", latencyMs, refused: 0 }, state, at);
      state = r.state;
      return r.transitions.map((t) => `${t.rule}:${t.status}`);
    };
    expect(step(t0, 6000)).toEqual([]);
    expect(step(t0 + 60_000, 7000)).toEqual([]);
    expect(step(t0 + 120_000, 7000)).toEqual(["latency:firing"]);
    expect(step(t0 + 121_000, 9000)).toEqual([]);
    expect(step(t0 + 122_000, 1000)).toEqual(["latency:resolved"]);
    // a dip under the threshold starts the M minutes again
    expect(step(t0 + 130_000, 6000)).toEqual([]);
    expect(step(t0 + 200_000, 4000)).toEqual([]);
    expect(step(t0 + 260_000, 6000)).toEqual([]);
    expect(state.latency?.since).toBe(t0 + 260_000);
  });

  it("task failed and refused writes fire at once; disabled rules never do", () => {
    expect(evaluateRules(rules, { state: "failed", latencyMs: null, refused: 2 }, {}, 0).transitions.map((t) => t.rule)).toEqual(["failed", "refused"]);
    const off = { ...rules, failed: { enabled: false }, refused: { enabled: false } };
    expect(evaluateRules(off, { state: "failed", latencyMs: null, refused: 2 }, {}, 0).transitions).toEqual([]);
  });

  it("validates the form: a webhook must be http(s), numbers in range", () => {
    expect(ZAlertRulesSchema.safeParse({ ...DEFAULT_ALERT_RULES, webhookUrl: "ftp://x" }).success).toBe(false);
    expect(ZAlertRulesSchema.safeParse({ ...DEFAULT_ALERT_RULES, latency: { enabled: true, seconds: 0, minutes: 1 } }).success).toBe(false);
    expect(ZAlertRulesSchema.safeParse({ ...DEFAULT_ALERT_RULES, webhookUrl: "https://hooks.example/x" }).success).toBe(true);
  });
});

describe("alert delivery to a webhook", () => {
  let dir: string;
  let server: http.Server;
  const received: TAlertPayload[] = [];
  let failuresLeft = 2;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-alerts-"));
    process.env.REDIS_DTS_DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        if (failuresLeft-- > 0) {
          res.writeHead(503).end();
          return;
        }
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  });
  afterAll(async () => {
    server?.close();
    await closeDb();
    rmSync(dir, { recursive: true, force: true });
  });

  it("POSTs JSON, retries with back-off after 5xx answers, and records each delivery as an event", { timeout: 30_000 }, async () => {
    const task = await createTask({ name: "alerting" });
    const port = (server.address() as { port: number }).port;
    await saveTaskAlerts({ id: task.id, rules: { ...rules, webhookUrl: `http://127.0.0.1:${port}/hook?token=secret` } });
    await evaluateTaskAlerts(task.id, { state: "failed", latencyMs: null, refused: 0 });
    // evaluated again at once: the same episode is not delivered twice
    await evaluateTaskAlerts(task.id, { state: "failed", latencyMs: null, refused: 0 });
    await waitFor(() => received.length === 1, 20_000, "the webhook received the alert");
    expect(received[0]).toMatchObject({ source: "redis-dts", status: "firing", rule: "failed", task: { id: task.id, name: "alerting", state: "failed" } });
    await waitFor(async () => (await findTaskEvents({ taskId: task.id })).some((e) => e.code === "ALERT"), 5000, "the delivery event");
    const events = (await findTaskEvents({ taskId: task.id })).filter((e) => e.code === "ALERT");
    expect(events).toHaveLength(1);
    expect(events[0].message).toContain(`delivered to http://127.0.0.1:${port} (HTTP 204, attempt 3)`);
    expect(events[0].message).not.toContain("secret");
    // the task runs again: resolved
    await evaluateTaskAlerts(task.id, { state: "synchronizing", latencyMs: 100, refused: 0 });
    await waitFor(() => received.length === 2, 10_000, "the resolved alert");
    expect(received[1]).toMatchObject({ status: "resolved", rule: "failed" });
  });
});
