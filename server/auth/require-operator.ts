import "server-only";
import { redirect } from "next/navigation";
import { getCurrentOperator, type SignedInOperator } from "./current-operator";

/**
 * For pages and layouts: the signed-in operator, or a redirect to the sign-in page that comes back
 * to `returnTo` afterwards. Every page calls it (layouts are not re-run on client navigation).
 */
export async function requireOperator(returnTo = "/"): Promise<SignedInOperator> {
  const operator = await getCurrentOperator();
  if (!operator) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return operator;
}
