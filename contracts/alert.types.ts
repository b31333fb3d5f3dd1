import { z } from "zod";

/**
 * A task's alert rules and where they are delivered (Task.alerts). Shared by the status page's form,
 * its server action and the evaluator (no server-only here).
 */
export const ZAlertRulesSchema = z.object({
  /** POSTed a JSON body per alert that fires or resolves; "" = alerts off */
  webhookUrl: z
    .string()
    .trim()
    .max(2000, "Keep the webhook URL under 2000 characters.")
    .refine((u) => u === "" || /^https?:\/\/[^\s]+$/i.test(u), "The webhook URL must start with http:// or https://."),
  latency: z.object({
    enabled: z.boolean(),
    seconds: z.coerce.number().int("Whole seconds.").min(1, "At least 1 second.").max(86_400, "At most a day."),
    minutes: z.coerce.number().int("Whole minutes.").min(0, "0 or more minutes.").max(1440, "At most a day."),
  }),
  failed: z.object({ enabled: z.boolean() }),
  refused: z.object({ enabled: z.boolean() }),
});
export type TAlertRules = z.infer<typeof ZAlertRulesSchema>;

export const DEFAULT_ALERT_RULES: TAlertRules = {
  webhookUrl: "",
  latency: { enabled: true, seconds: 10, minutes: 5 },
  failed: { enabled: true },
  refused: { enabled: true },
};

export const ZSaveTaskAlertsSchema = z.object({ id: z.string().trim().min(1).max(64), rules: ZAlertRulesSchema });
export type TSaveTaskAlerts = z.infer<typeof ZSaveTaskAlertsSchema>;

export type TAlertRuleName = "latency" | "failed" | "refused";

/** What the webhook receives. */
export interface TAlertPayload {
  source: "redis-dts";
  /** firing: the rule's condition holds; resolved: it no longer does */
  status: "firing" | "resolved";
  rule: TAlertRuleName;
  task: { id: string; name: string; state: string };
  /** one sentence for a human */
  summary: string;
  /** ISO time the condition started (firing) or ended (resolved) */
  at: string;
  figures: { latencySeconds: number | null; refusedWrites: number; inexactWrites: number };
}
