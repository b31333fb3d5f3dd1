"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { deleteSession } from "@/server/db/session/delete-session";
import { hashSessionToken, SESSION_COOKIE } from "@/server/auth/session-token";

/** Ends this browser's session (the row and the cookie). Harmless without one. */
export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token) await deleteSession({ tokenHash: hashSessionToken(token) });
  jar.delete(SESSION_COOKIE);
  redirect("/sign-in");
}
