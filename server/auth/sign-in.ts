import "server-only";
import { addSignInAttempt } from "../db/sign-in-attempt/add-sign-in-attempt";
import { findRecentFailures } from "../db/sign-in-attempt/find-recent-failures";
import { finishSignInAttempt } from "../db/sign-in-attempt/finish-sign-in-attempt";
import { clearSignInFailures } from "../db/sign-in-attempt/clear-sign-in-failures";
import { findOperatorForSignIn } from "../db/operator/find-operator-for-sign-in";
import { createSession } from "../db/session/create-session";
import { UNKNOWN_USER_HASH, verifyPassword } from "./password";
import { hashSessionToken, newSessionToken, SESSION_TTL_MS } from "./session-token";
import { FAILURE_WINDOW_MS, retryAfterMs } from "./throttle";

export interface SignInOptions {
  username: string;
  password: string;
  /** the client's address, for the per-address backoff */
  address: string;
  userAgent?: string;
  now?: Date;
}

export type SignInResult =
  | { ok: true; token: string; expiresAt: Date; username: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Checks a password under the backoff and, when it matches, opens a session. The attempt is recorded
 * (as a failure until proven right) before the backoff is read, so parallel guesses see each other:
 * of any number sent at once, only as many as the free failures reach the password check.
 */
export async function signIn({ username, password, address, userAgent, now = new Date() }: SignInOptions): Promise<SignInResult> {
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS);
  const attemptId = await addSignInAttempt({ username, address, succeeded: false, time: now });
  const failures = await findRecentFailures({ username, address, since, excludeId: attemptId });
  const wait = retryAfterMs(failures, now);
  // While throttled the password is not even checked, and the refusal is not counted: waiting must
  // end the lockout, and guessing faster must not help.
  if (wait > 0) {
    await finishSignInAttempt({ id: attemptId, outcome: "throttled" });
    return { ok: false, reason: "throttled", retryAfterSeconds: Math.ceil(wait / 1000) };
  }

  const operator = await findOperatorForSignIn({ username });
  const matches = await verifyPassword(password, operator?.passwordHash ?? UNKNOWN_USER_HASH);
  if (!operator || !matches) return { ok: false, reason: "invalid" };
  await finishSignInAttempt({ id: attemptId, outcome: "succeeded" });
  await clearSignInFailures({ username, address, olderThan: new Date(now.getTime() - 24 * 60 * 60 * 1000) });
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await createSession({ operatorId: operator.id, tokenHash: hashSessionToken(token), expiresAt, userAgent, now });
  return { ok: true, token, expiresAt, username: operator.username };
}
