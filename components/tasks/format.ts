import type { EndpointSummary } from "@/contracts/task-summary";

export function formatLatency(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export function formatEndpoint(e: EndpointSummary | null): string {
  if (!e) return "Not configured";
  const host = e.host.includes(":") ? `[${e.host}]` : e.host;
  return `${host}:${e.port}`;
}

export function formatMode(mode: string): string {
  return mode === "cluster" ? "Cluster" : "Standalone";
}

const dateTime = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });

/** Local date and time; callers render it with suppressHydrationWarning (server and browser zones differ). */
export function formatDateTime(iso: string | Date): string {
  return dateTime.format(typeof iso === "string" ? new Date(iso) : iso);
}
