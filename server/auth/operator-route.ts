import "server-only";
import { describeError } from "../errors";
import { getCurrentOperator, type SignedInOperator } from "./current-operator";

/**
 * Wraps a route handler: 401 JSON without a session; a thrown error becomes a 500 with one sentence
 * (details in the server log).
 */
export function operatorRoute<C>(handler: (request: Request, context: C & { operator: SignedInOperator }) => Promise<Response>) {
  return async (request: Request, context: C): Promise<Response> => {
    const operator = await getCurrentOperator();
    if (!operator) return Response.json({ error: "Sign in first." }, { status: 401 });
    try {
      return await handler(request, { ...context, operator });
    } catch (err) {
      console.error(`${request.method} ${new URL(request.url).pathname} failed: ${describeError(err)}`);
      return Response.json({ error: "The server could not answer this request." }, { status: 500 });
    }
  };
}
