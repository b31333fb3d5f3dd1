import "server-only";
import { describeError } from "../../errors";
import { addTaskEvent } from "../../db/task-event/add-task-event";
import type { TAlertPayload } from "../../../contracts/alert.types";

export interface DeliverOptions {
  url: string;
  payload: TAlertPayload;
  /** attempts in all (default 5), spaced by back-off from `firstDelayMs` doubling (default 1 s) */
  attempts?: number;
  firstDelayMs?: number;
  timeoutMs?: number;
}

/**
 * POSTs one alert as JSON, retried with back-off on a network error, a timeout or a 5xx/429 answer.
 * Each delivery is an event of the task: delivered (with the HTTP status) or given up (with the
 * last error). The URL may carry a secret token: events name only its origin.
 */
export async function deliverWebhook({ url, payload, attempts = 5, firstDelayMs = 1000, timeoutMs = 10_000 }: DeliverOptions): Promise<boolean> {
  const where = originOf(url);
  const what = `alert "${payload.rule}" ${payload.status}`;
  let last = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "redis-dts" },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
      await res.body?.cancel().catch(() => {});
      if (res.ok) {
        await event("info", `${what} delivered to ${where} (HTTP ${res.status}${attempt > 1 ? `, attempt ${attempt}` : ""}): ${payload.summary}`);
        return true;
      }
      last = `HTTP ${res.status}`;
      // a 4xx other than 429 will not change by asking again
      if (res.status < 500 && res.status !== 429) break;
    } catch (err) {
      last = describeError(err);
    }
    if (attempt < attempts) await new Promise((r) => setTimeout(r, firstDelayMs * 2 ** (attempt - 1)));
  }
  await event("warn", `${what} could not be delivered to ${where} (${last}); given up: ${payload.summary}`);
  return false;

  async function event(level: "info" | "warn", message: string) {
    await addTaskEvent({ taskId: payload.task.id, level, message, code: "ALERT" }).catch(() => {});
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "the webhook";
  }
}
