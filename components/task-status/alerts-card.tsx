"use client";

import { useState } from "react";
import { saveTaskAlertsAction } from "@/server/actions/save-task-alerts.action";
import type { TAlertRules } from "@/contracts/alert.types";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { useActionMutation } from "@/components/ui/use-action-mutation";

/**
 * The task's alert rules and the webhook they are POSTed to (JSON, retried with back-off; each
 * delivery is an event). Evaluated every second by whoever runs the task.
 */
export function AlertsCard({ taskId, initial }: { taskId: string; initial: TAlertRules }) {
  const [rules, setRules] = useState(initial);
  const [saved, setSaved] = useState(false);
  const save = useActionMutation(saveTaskAlertsAction, { onSuccess: () => setSaved(true) });
  const field = (name: string) => save.error?.fieldErrors?.[name]?.[0];
  const edit = (next: TAlertRules) => {
    setSaved(false);
    setRules(next);
  };
  return (
    <section aria-labelledby="alerts-title" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-5" data-testid="alerts-card">
      <h2 id="alerts-title" className="text-sm font-semibold text-slate-900">
        Alerts
      </h2>
      <form
        className="mt-3 space-y-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ id: taskId, rules });
        }}
      >
        <TextField
          label="Webhook URL"
          type="url"
          placeholder="https://hooks.example.com/redis-dts"
          hint="Each alert that fires or resolves is POSTed here as JSON. Empty: alerts off."
          value={rules.webhookUrl}
          error={field("rules.webhookUrl")}
          onChange={(e) => edit({ ...rules, webhookUrl: e.target.value })}
        />
        <fieldset className="space-y-2">
          <legend className="font-medium text-slate-800">Alert when</legend>
          <div className="flex flex-wrap items-center gap-2">
            <label className="inline-flex items-center gap-2">
              <input type="checkbox" checked={rules.latency.enabled} onChange={(e) => edit({ ...rules, latency: { ...rules.latency, enabled: e.target.checked } })} />
              latency is above
            </label>
            <input
              aria-label="Latency threshold in seconds"
              type="number"
              min={1}
              className="w-20 rounded-md border border-slate-300 px-2 py-1"
              value={rules.latency.seconds}
              onChange={(e) => edit({ ...rules, latency: { ...rules.latency, seconds: Number(e.target.value) } })}
            />
            s for
            <input
              aria-label="Minutes the latency stays above the threshold"
              type="number"
              min={0}
              className="w-20 rounded-md border border-slate-300 px-2 py-1"
              value={rules.latency.minutes}
              onChange={(e) => edit({ ...rules, latency: { ...rules.latency, minutes: Number(e.target.value) } })}
            />
            minutes
          </div>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={rules.failed.enabled} onChange={(e) => edit({ ...rules, failed: { enabled: e.target.checked } })} />
            the task fails
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={rules.refused.enabled} onChange={(e) => edit({ ...rules, refused: { enabled: e.target.checked } })} />
            the destination refuses writes (more than 0)
          </label>
        </fieldset>
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save alerts"}
          </Button>
          {saved && <span role="status" className="text-green-700">Saved.</span>}
          {save.error && !save.error.fieldErrors && <span className="text-red-700">{save.error.message}</span>}
          {save.error?.fieldErrors && <span className="text-red-700">Check the fields above.</span>}
        </div>
      </form>
    </section>
  );
}
