"use server";

import { cookies, headers } from "next/headers";
import { describeError } from "@/server/errors";
import type { ActionResult } from "@/contracts/action-result";
import { signIn } from "@/server/auth/sign-in";
import { safeReturnPath, ZSignInSchema, type TSignIn } from "@/server/auth/sign-in.types";
import { requestAddress, requestIsHttps } from "@/server/auth/request-address";
import { SESSION_COOKIE } from "@/server/auth/session-token";

export async function signInAction(input: TSignIn): Promise<ActionResult<{ next: string }>> {
  const parsed = ZSignInSchema.safeParse(input);
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Enter a username and a password." };
  try {
    const { username, password, next } = parsed.data;
    const result = await signIn({ username, password, address: await requestAddress(), userAgent: (await headers()).get("user-agent") ?? "" });
    if (!result.ok) {
      if (result.reason === "throttled") {
        return { error: `Too many failed sign-ins. Wait ${result.retryAfterSeconds} s before trying again.`, code: "THROTTLED" };
      }
      return { error: "The username or password is incorrect.", code: "INVALID_CREDENTIALS" };
    }
    (await cookies()).set(SESSION_COOKIE, result.token, {
      httpOnly: true,
      sameSite: "lax",
      secure: await requestIsHttps(),
      path: "/",
      expires: result.expiresAt,
    });
    return { data: { next: safeReturnPath(next) } };
  } catch (err) {
    console.error(`sign-in failed: ${describeError(err)}`);
    return { error: "The server could not check the sign-in. Details are in the server log.", code: "INTERNAL" };
  }
}
