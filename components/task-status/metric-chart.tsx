import { formatDateTime } from "@/components/tasks/format";

export interface ChartPoint {
  t: number;
  v: number | null;
}

const W = 600;
const H = 140;

/** Splits the series where values are missing (no heartbeat yet, engine stopped): no line across a gap. */
function segments(points: ChartPoint[], from: number, to: number, max: number): string[] {
  const span = Math.max(1, to - from);
  const out: string[] = [];
  let current: string[] = [];
  let last = -Infinity;
  for (const p of points) {
    // A pause of more than a minute between samples is a gap too.
    if (p.v === null || p.t - last > 60_000) {
      if (current.length) out.push(current.join(" "));
      current = [];
    }
    if (p.v !== null) {
      const x = ((p.t - from) / span) * W;
      const y = H - (Math.max(0, p.v) / max) * (H - 4) - 2;
      current.push(`${x.toFixed(1)},${y.toFixed(1)}`);
    }
    last = p.t;
  }
  if (current.length) out.push(current.join(" "));
  return out;
}

/** A small line chart in SVG: the line stretches with the width, the labels stay readable HTML. */
export function MetricChart({ title, points, from, to, format, color }: { title: string; points: ChartPoint[]; from: number; to: number; format: (v: number) => string; color: string }) {
  const values = points.map((p) => p.v).filter((v): v is number => v !== null && Number.isFinite(v));
  const peak = values.length ? Math.max(...values) : 0;
  const max = peak > 0 ? peak * 1.15 : 1;
  const latest = values.length ? values[values.length - 1] : null;
  const lines = segments(points, from, to, max);
  // The newest point as an HTML dot: one sample draws no line, and an SVG circle would be stretched.
  const lastPoint = [...points].reverse().find((p) => p.v !== null && Number.isFinite(p.v));
  const dot = lastPoint && {
    left: `${Math.min(100, Math.max(0, ((lastPoint.t - from) / Math.max(1, to - from)) * 100))}%`,
    top: `${((H - (Math.max(0, lastPoint.v!) / max) * (H - 4) - 2) / H) * 100}%`,
  };
  const label = `${title}: ${values.length ? `latest ${format(latest!)}, highest ${format(peak)}` : "no samples yet"}`;
  return (
    <figure className="min-w-0 rounded-lg border border-slate-200 bg-white p-3 sm:p-4">
      <figcaption className="flex flex-wrap items-baseline justify-between gap-x-3">
        <span className="text-sm font-medium text-slate-800">{title}</span>
        <span className="text-sm text-slate-900 tabular-nums">{latest === null ? "—" : format(latest)}</span>
      </figcaption>
      <div className="relative mt-2">
        {values.length > 0 && <span className="absolute top-0 left-0 text-[11px] text-slate-500 tabular-nums">{format(max)}</span>}
        <svg role="img" aria-label={label} viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" className="h-32 w-full">
          {[0.25, 0.5, 0.75].map((f) => (
            <line key={f} x1={0} x2={W} y1={H * f} y2={H * f} stroke="#e2e8f0" strokeWidth={1} vectorEffect="non-scaling-stroke" />
          ))}
          <line x1={0} x2={W} y1={H - 1} y2={H - 1} stroke="#cbd5e1" strokeWidth={1} vectorEffect="non-scaling-stroke" />
          {lines.map((pts, i) => (
            <polyline key={i} points={pts} fill="none" stroke={color} strokeWidth={2} strokeLinejoin="round" vectorEffect="non-scaling-stroke" />
          ))}
        </svg>
        {dot && <span aria-hidden className="absolute size-2 -translate-x-1/2 -translate-y-1/2 rounded-full ring-2 ring-white" style={{ ...dot, background: color }} />}
        {values.length === 0 && <p className="absolute inset-0 grid place-items-center text-xs text-slate-500">No samples in this window yet.</p>}
      </div>
      <div className="mt-1 flex justify-between text-[11px] text-slate-500" suppressHydrationWarning>
        <span>{formatDateTime(new Date(from))}</span>
        <span>now</span>
      </div>
    </figure>
  );
}
