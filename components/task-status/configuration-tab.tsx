import type { ReactNode } from "react";
import type { EndpointView } from "@/contracts/endpoint.types";
import { formatMode } from "@/components/tasks/format";
import { DIVERGENCE_POLICY_LEGEND, DIVERGENCE_POLICY_OPTIONS } from "@/contracts/divergence-policy";
import { DEFAULT_DIVERGENCE_POLICY, ZDivergencePolicySchema, type TDivergencePolicy, type TKeyFilter } from "@/contracts/task.types";
import type { TAlertRules } from "@/contracts/alert.types";
import { AlertsCard } from "./alerts-card";

function policyOf(options: Record<string, unknown>): TDivergencePolicy {
  const parsed = ZDivergencePolicySchema.safeParse(options.onInexact);
  return parsed.success ? parsed.data : DEFAULT_DIVERGENCE_POLICY;
}

export interface TaskConfigView {
  name: string;
  regionLabel: string;
  source: EndpointView | null;
  destination: EndpointView | null;
  conflictMode: string;
  selectedDbs: number[];
  dbMap: Record<string, number>;
  initialSync: string;
  options: Record<string, unknown>;
  /** the task's alert rules (defaults when none were saved) */
  alerts: TAlertRules;
}

const INSTANCE_TYPES: Record<string, string> = {
  self_managed: "User-Created Database with a reachable host",
  vpn_gateway: "User-Created Database Connected over VPN Gateway, Express Connect or Smart Access Gateway",
};

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-500 max-sm:mt-1 max-sm:text-xs">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </>
  );
}

function EndpointCard({ title, e }: { title: string; e: EndpointView | null }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
      <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
      {!e || !e.host ? (
        <p className="mt-2 text-sm text-slate-500">Not configured yet.</p>
      ) : (
        <dl className="mt-2 grid grid-cols-1 gap-x-3 text-sm sm:grid-cols-[8.5rem_minmax(0,1fr)] sm:gap-y-1.5">
          <Row label="Instance Type">{INSTANCE_TYPES[e.instanceType] ?? e.instanceType}</Row>
          <Row label="Instance Region">{e.regionLabel || "—"}</Row>
          <Row label="Database Type">Redis</Row>
          <Row label="Instance Mode">{formatMode(e.mode)}</Row>
          <Row label="Address">
            <span className="font-mono">{e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`}</span>
          </Row>
          <Row label="Account">{e.username ?? "default user"}</Row>
          <Row label="Database Password">{e.hasPassword ? "set (not shown)" : "not set"}</Row>
        </dl>
      )}
    </section>
  );
}

/** The channel as configured, passwords masked: they are never sent to the browser. */
export function ConfigurationTab({ taskId, config, keyFilter }: { taskId: string; config: TaskConfigView; keyFilter?: TKeyFilter }) {
  const filter = [keyFilter?.include.length ? `include ${keyFilter.include.join(", ")}` : "", keyFilter?.exclude.length ? `exclude ${keyFilter.exclude.join(", ")}` : ""].filter(Boolean).join("; ");
  const mapping = config.selectedDbs.map((db) => {
    const to = config.dbMap[String(db)] ?? db;
    return to === db ? `db${db}` : `db${db} → db${to}`;
  });
  return (
    <div className="space-y-4">
      <div className="grid gap-4 lg:grid-cols-2">
        <EndpointCard title="Source Instance Details" e={config.source} />
        <EndpointCard title="Destination Instance Details" e={config.destination} />
      </div>
      <section className="rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
        <h2 className="text-sm font-semibold text-slate-900">Synchronization</h2>
        <dl className="mt-2 grid grid-cols-1 gap-x-3 text-sm sm:grid-cols-[minmax(0,13rem)_minmax(0,1fr)] sm:gap-y-1.5">
          <Row label="Synchronization Task Name">{config.name}</Row>
          <Row label="Region label">{config.regionLabel}</Row>
          <Row label="Processing mode of conflicting tables">{config.conflictMode === "ignore" ? "Ignore" : "Pre-check and Intercept"}</Row>
          <Row label="Objects (databases)">{mapping.join(", ") || "—"}</Row>
          <Row label="Key filter">{filter ? <span className="font-mono">{filter}</span> : "every key"}</Row>
          <Row label="Initial synchronization">{config.initialSync === "incremental_only" ? "Incremental data only" : "Include full data + incremental data"}</Row>
          <Row label="Source FLUSHDB / FLUSHALL">{config.options.ignoreFlush ? "not applied" : "applied"}</Row>
          <Row label={DIVERGENCE_POLICY_LEGEND}>{DIVERGENCE_POLICY_OPTIONS.find((o) => o.value === policyOf(config.options))?.label}</Row>
        </dl>
      </section>
      <AlertsCard taskId={taskId} initial={config.alerts} />
    </div>
  );
}
