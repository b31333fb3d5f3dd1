import { operatorRoute } from "@/server/auth/operator-route";
import { taskStatusView } from "@/server/console/status-view";

type Context = { params: Promise<{ id: string }> };

/**
 * GET /api/tasks/:id/status: state, live engine status, stored positions (polled by the status page).
 * Not compressed (no-transform): a few kilobytes asked for every second, where gzip's set-up per
 * response cost more CPU than the route's own work.
 */
export const GET = operatorRoute<Context>(async (_request, { params }) => {
  const view = await taskStatusView((await params).id);
  if (!view) return Response.json({ error: "This task no longer exists." }, { status: 404 });
  return Response.json(view, { headers: { "cache-control": "no-store, no-transform" } });
});
