import { checkMetricsToken } from "@/server/auth/metrics-token";
import { prometheusMetrics } from "@/server/console/prometheus-metrics";
import { describeError } from "@/server/errors";

export const dynamic = "force-dynamic";

/**
 * GET /api/metrics: Prometheus text format, for a scraper with `Authorization: Bearer
 * $REDIS_DTS_METRICS_TOKEN` (no session). 404 while the token is not configured, 401 without it.
 */
export async function GET(request: Request): Promise<Response> {
  const access = checkMetricsToken(request.headers.get("authorization"));
  if (access === "disabled") return Response.json({ error: "Metrics are off: set REDIS_DTS_METRICS_TOKEN to enable /api/metrics." }, { status: 404 });
  if (access === "denied") return Response.json({ error: "Give the metrics token: Authorization: Bearer <REDIS_DTS_METRICS_TOKEN>." }, { status: 401, headers: { "www-authenticate": 'Bearer realm="redis-dts metrics"' } });
  try {
    const { body, contentType } = await prometheusMetrics();
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch (err) {
    console.error(`GET /api/metrics failed: ${describeError(err)}`);
    return Response.json({ error: "The metrics could not be read." }, { status: 503 });
  }
}
