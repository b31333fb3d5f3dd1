import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The bearer token of /api/metrics (REDIS_DTS_METRICS_TOKEN). "disabled" when the variable is unset
 * or empty (the route answers 404: there is no metrics endpoint to find), "denied" without the right
 * `Authorization: Bearer …` header (401). Compared in constant time.
 */
export function checkMetricsToken(header: string | null, env: Record<string, string | undefined> = process.env): "ok" | "denied" | "disabled" {
  const token = env.REDIS_DTS_METRICS_TOKEN?.trim();
  if (!token) return "disabled";
  const given = /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1]?.trim() ?? "";
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0 ? "ok" : "denied";
}
