import type { TAlertRuleName, TAlertRules } from "../../../contracts/alert.types";

/** Per rule: since when its condition holds (ms), and whether "firing" was delivered for it. */
export type AlertState = Partial<Record<TAlertRuleName, { since: number; firing: boolean }>>;

export interface AlertFigures {
  state: string;
  latencyMs: number | null;
  refused: number;
}

export interface AlertTransition {
  rule: TAlertRuleName;
  status: "firing" | "resolved";
  summary: string;
}

/**
 * One evaluation of a task's rules against its status now: the new state and the transitions to
 * deliver. Latency must stay above N s for M minutes before it fires; "task failed" and "writes
 * refused > 0" fire at once. A rule fires once and resolves once per episode. Pure: tested alone.
 */
export function evaluateRules(rules: TAlertRules, figures: AlertFigures, previous: AlertState, now: number): { state: AlertState; transitions: AlertTransition[] } {
  const state: AlertState = {};
  const transitions: AlertTransition[] = [];
  const check = (rule: TAlertRuleName, enabled: boolean, holds: boolean, holdMs: number, summary: string, resolved: string) => {
    const before = previous[rule];
    if (enabled && holds) {
      const since = before?.since ?? now;
      const firing = before?.firing || now - since >= holdMs;
      if (firing && !before?.firing) transitions.push({ rule, status: "firing", summary });
      state[rule] = { since, firing };
    } else if (before?.firing) {
      transitions.push({ rule, status: "resolved", summary: resolved });
    }
  };
  const latencyS = figures.latencyMs === null ? null : figures.latencyMs / 1000;
  const running = figures.state === "initializing" || figures.state === "synchronizing";
  check(
    "latency",
    rules.latency.enabled,
    running && latencyS !== null && latencyS > rules.latency.seconds,
    rules.latency.minutes * 60_000,
    `latency ${latencyS?.toFixed(1)} s has been above ${rules.latency.seconds} s for ${rules.latency.minutes} min`,
    `latency is back under ${rules.latency.seconds} s`,
  );
  check("failed", rules.failed.enabled, figures.state === "failed", 0, "the task failed", `the task is ${figures.state} again`);
  check("refused", rules.refused.enabled, figures.refused > 0, 0, `the destination refused ${figures.refused} write(s)`, "no refused writes any more");
  return { state, transitions };
}
