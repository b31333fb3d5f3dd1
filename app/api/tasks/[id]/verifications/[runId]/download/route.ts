import { z } from "zod";
import { operatorRoute } from "@/server/auth/operator-route";
import { parseJsonField } from "@/server/db/json";
import { findVerificationRuns } from "@/server/db/verification/find-verification-runs";
import { parseDifferences } from "@/server/console/verification-view";

type Context = { params: Promise<{ id: string; runId: string }> };

/** A spreadsheet must not run a key name as a formula (=, +, -, @ at the start). */
function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** GET /api/tasks/:id/verifications/:runId/download?format=csv|json: the differing keys of one run. */
export const GET = operatorRoute<Context>(async (request, { params }) => {
  const { id, runId } = await params;
  const run = (await findVerificationRuns({ taskId: id, take: 1000 })).find((r) => r.id === runId);
  if (!run) return Response.json({ error: "This verification run does not exist." }, { status: 404 });
  const rows = parseDifferences(run);
  const format = new URL(request.url).searchParams.get("format") === "json" ? "json" : "csv";
  const name = `verification-${run.startedAt.toISOString().replace(/[:.]/g, "-")}-${run.id.slice(-6)}.${format}`;
  const headers = { "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store", "x-content-type-options": "nosniff" };
  if (format === "json") {
    const body = { runId: run.id, taskId: id, status: run.status, mode: run.mode, startedAt: run.startedAt, finishedAt: run.finishedAt, summary: parseJsonField(run.summary, z.record(z.string(), z.unknown()), {}), differences: rows };
    return new Response(JSON.stringify(body, null, 2), { headers: { ...headers, "content-type": "application/json; charset=utf-8" } });
  }
  const lines = ["source_db,target_db,kind,key,key_base64,detail", ...rows.map((r) => [r.db, r.targetDb, r.kind, r.key, r.keyBase64, r.detail].map(csvCell).join(","))];
  return new Response(lines.join("\r\n") + "\r\n", { headers: { ...headers, "content-type": "text/csv; charset=utf-8" } });
});
