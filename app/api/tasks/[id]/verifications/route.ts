import { operatorRoute } from "@/server/auth/operator-route";
import { verificationRunsView } from "@/server/console/verification-view";

type Context = { params: Promise<{ id: string }> };

/** GET /api/tasks/:id/verifications: the Data Verification tab's runs, newest first. */
export const GET = operatorRoute<Context>(async (_request, { params }) => {
  const runs = await verificationRunsView((await params).id);
  return Response.json({ runs }, { headers: { "cache-control": "no-store" } });
});
