import "server-only";
import { describeError } from "../errors";
import { getCurrentOperator, type SignedInOperator } from "./current-operator";
import { forbiddenMessage, hasRole, type TRole } from "../../contracts/roles";

/**
 * Wraps a route handler (reading: a viewer may, unless `role` says more): 401 JSON without a session, 403 below the role; a thrown error becomes a 500 with one sentence
 * (details in the server log).
 */
export function operatorRoute<C>(handler: (request: Request, context: C & { operator: SignedInOperator }) => Promise<Response>, { role = "viewer" }: { role?: TRole } = {}) {
  return async (request: Request, context: C): Promise<Response> => {
    const operator = await getCurrentOperator();
    if (!operator) return Response.json({ error: "Sign in first." }, { status: 401 });
    if (!hasRole(operator.role, role)) return Response.json({ error: forbiddenMessage(operator.role, role) }, { status: 403 });
    try {
      return await handler(request, { ...context, operator });
    } catch (err) {
      console.error(`${request.method} ${new URL(request.url).pathname} failed: ${describeError(err)}`);
      return Response.json({ error: "The server could not answer this request." }, { status: 500 });
    }
  };
}
