import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { findSession } from "../db/session/find-session";
import { hashSessionToken, SESSION_COOKIE } from "./session-token";
import { roleOf, type TRole } from "../../contracts/roles";

export interface SignedInOperator {
  id: string;
  username: string;
  role: TRole;
  sessionId: string;
}

/** The operator behind this request's session cookie, or null. Looked up once per request. */
export const getCurrentOperator = cache(async (): Promise<SignedInOperator | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token || token.length > 200) return null;
  const session = await findSession({ tokenHash: hashSessionToken(token) });
  if (!session) return null;
  return { id: session.operator.id, username: session.operator.username, role: roleOf(session.operator.role), sessionId: session.id };
});
