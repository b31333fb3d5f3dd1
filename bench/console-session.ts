// Run as `node --conditions=react-server --import tsx bench/console-session.ts` with the console's
// REDIS_DTS_DATA_DIR: opens a session for the admin operator (as a sign-in would) and prints the
// cookie token, so the benchmark's probe goes through the console's real authentication per request.
import { findOperatorForSignIn } from "../server/db/operator/find-operator-for-sign-in";
import { createSession } from "../server/db/session/create-session";
import { hashSessionToken, newSessionToken, SESSION_TTL_MS } from "../server/auth/session-token";
import { closeDb } from "../server/db/client";

const operator = await findOperatorForSignIn({ username: "admin" });
if (!operator) {
  console.error("no admin operator in this data folder");
  process.exit(1);
}
const token = newSessionToken();
await createSession({ operatorId: operator.id, tokenHash: hashSessionToken(token), expiresAt: new Date(Date.now() + SESSION_TTL_MS), userAgent: "redis-dts bench" });
await closeDb();
process.stdout.write(token + "\n");
