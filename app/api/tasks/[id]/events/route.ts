import { operatorRoute } from "@/server/auth/operator-route";
import { findTaskEvents } from "@/server/db/task-event/find-task-events";
import { ZEventLevelSchema, type TEventLevel } from "@/server/db/task-event/task-event.types";

type Context = { params: Promise<{ id: string }> };

/** GET /api/tasks/:id/events?level=warn,error&take=200: the task's log, newest first. */
export const GET = operatorRoute<Context>(async (request, { params }) => {
  const { id } = await params;
  const search = new URL(request.url).searchParams;
  const levels = (search.get("level") ?? "")
    .split(",")
    .map((l) => ZEventLevelSchema.safeParse(l.trim()))
    .filter((r) => r.success)
    .map((r) => r.data as TEventLevel);
  const take = Math.min(Math.max(Number(search.get("take")) || 200, 1), 1000);
  const events = await findTaskEvents({ taskId: id, levels: levels.length ? levels : undefined, take });
  return Response.json(
    { events: events.map((e) => ({ id: e.id, time: e.time.toISOString(), level: e.level, message: e.message, code: e.code })) },
    { headers: { "cache-control": "no-store" } },
  );
});
