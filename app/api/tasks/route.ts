import { operatorRoute } from "@/server/auth/operator-route";
import { findTasks } from "@/server/db/task/find-tasks";
import { findRegionLabels } from "@/server/db/task/find-region-labels";

/** The task list for polling: GET /api/tasks?region=<label> */
export const GET = operatorRoute(async (request) => {
  const region = new URL(request.url).searchParams.get("region") || undefined;
  const [tasks, regions] = await Promise.all([findTasks({ regionLabel: region }), findRegionLabels()]);
  return Response.json({ tasks, regions }, { headers: { "cache-control": "no-store" } });
});
