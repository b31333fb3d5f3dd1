import "server-only";
import { redirect } from "next/navigation";
import { getCurrentOperator, type SignedInOperator } from "./current-operator";
import { hasRole, type TRole } from "../../contracts/roles";

/**
 * For pages and layouts: the signed-in operator, or a redirect to the sign-in page that comes back
 * to `returnTo` afterwards. Every page calls it (layouts are not re-run on client navigation). Below
 * `role` the operator is sent to `elsewhere` (default: the task list).
 */
export async function requireOperator(returnTo = "/", { role = "viewer", elsewhere = "/" }: { role?: TRole; elsewhere?: string } = {}): Promise<SignedInOperator> {
  const operator = await getCurrentOperator();
  if (!operator) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  if (!hasRole(operator.role, role)) redirect(elsewhere);
  return operator;
}
