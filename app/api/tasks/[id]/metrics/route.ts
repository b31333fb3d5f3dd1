import { operatorRoute } from "@/server/auth/operator-route";
import { findMetricSamples } from "@/server/db/metric/find-metric-samples";

type Context = { params: Promise<{ id: string }> };

const WINDOWS: Record<string, number> = { "15m": 15, "1h": 60, "6h": 360, "24h": 1440 };

/** GET /api/tasks/:id/metrics?window=1h: samples (one per 5 s) oldest first, as columns for the charts. */
export const GET = operatorRoute<Context>(async (request, { params }) => {
  const { id } = await params;
  const minutes = WINDOWS[new URL(request.url).searchParams.get("window") ?? "1h"] ?? 60;
  const since = new Date(Date.now() - minutes * 60_000);
  // At most ~720 points: a chart a few hundred pixels wide gains nothing from more.
  const rows = await findMetricSamples({ taskId: id, since, take: 20_000 });
  const step = Math.max(1, Math.ceil(rows.length / 720));
  const picked = rows.filter((_, i) => i % step === 0 || i === rows.length - 1);
  return Response.json(
    {
      since: since.toISOString(),
      time: picked.map((r) => r.time.getTime()),
      latencyMs: picked.map((r) => r.latencyMs),
      opsPerSec: picked.map((r) => r.opsPerSec),
      lagBytes: picked.map((r) => r.lagBytes),
    },
    { headers: { "cache-control": "no-store" } },
  );
});
