import { operatorRoute } from "@/server/auth/operator-route";
import { precheckView } from "@/server/console/precheck-view";

type Context = { params: Promise<{ id: string }> };

/** GET /api/tasks/:id/precheck: the latest precheck run with its items, and whether the task may start. */
export const GET = operatorRoute<Context>(async (_request, { params }) => {
  const view = await precheckView((await params).id);
  if (!view) return Response.json({ error: "This task no longer exists." }, { status: 404 });
  return Response.json(view, { headers: { "cache-control": "no-store" } });
});
