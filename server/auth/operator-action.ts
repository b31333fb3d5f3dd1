import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { DtsError, describeError, redact } from "../errors";
import type { ActionResult } from "../../contracts/action-result";
import { FieldError } from "./field-error";
import { getCurrentOperator, type SignedInOperator } from "./current-operator";
import { forbiddenMessage, hasRole, type TRole } from "../../contracts/roles";

export const SIGNED_OUT_MESSAGE = "Your session has ended. Sign in again.";

/**
 * Wraps a server action: checks the session and the operator's role (`role`, default "operator":
 * changing anything needs at least that; a viewer only reads), validates the input with its zod schema, and turns
 * every failure into `{ error }` (a DtsError's message, or a generic sentence; details go to the
 * server log, redacted).
 */
export function operatorAction<S extends z.ZodType, R>(
  schema: S,
  handler: (input: z.output<S>, context: { operator: SignedInOperator }) => Promise<R>,
  { role = "operator" }: { role?: TRole } = {},
): (input: z.input<S>) => Promise<ActionResult<R>> {
  return async (input) => {
    try {
      const operator = await getCurrentOperator();
      if (!operator) return { error: SIGNED_OUT_MESSAGE, code: "UNAUTHENTICATED" };
      if (!hasRole(operator.role, role)) return { error: forbiddenMessage(operator.role, role), code: "FORBIDDEN" };
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        const fieldErrors: Record<string, string[]> = {};
        for (const issue of parsed.error.issues) {
          const key = issue.path.join(".") || "_";
          (fieldErrors[key] ??= []).push(issue.message);
        }
        return { error: parsed.error.issues[0]?.message ?? "The input is not valid.", code: "INVALID_INPUT", fieldErrors };
      }
      return { data: await handler(parsed.data, { operator }) };
    } catch (err) {
      unstable_rethrow(err);
      if (err instanceof FieldError) return { error: redact(err.message), code: "INVALID_INPUT", fieldErrors: err.fieldErrors };
      if (err instanceof DtsError) return { error: redact(err.message), code: err.code };
      console.error(`server action failed: ${describeError(err)}`);
      return { error: "The server could not complete this action. Details are in the server log.", code: "INTERNAL" };
    }
  };
}
