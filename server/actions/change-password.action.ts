"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { hashPassword, verifyPassword } from "@/server/auth/password";
import { FieldError } from "@/server/auth/field-error";
import { getOperatorPasswordHash } from "@/server/db/operator/get-operator-password-hash";
import { setOperatorPassword } from "@/server/db/operator/set-operator-password";
import { ZChangeOwnPasswordSchema } from "@/server/db/operator/operator.types";

/** Any signed-in operator, viewers included: the current password first; other sessions end. */
export const changeOwnPasswordAction = operatorAction(
  ZChangeOwnPasswordSchema,
  async ({ current, next }, { operator }) => {
    const hash = await getOperatorPasswordHash({ id: operator.id });
    if (!hash || !(await verifyPassword(current, hash))) throw new FieldError({ current: "The current password is not right." });
    if (current === next) throw new FieldError({ next: "Choose a password other than the current one." });
    await setOperatorPassword({ username: operator.username, passwordHash: await hashPassword(next), keepSessionId: operator.sessionId });
    console.log(`auth: ${operator.username} changed their password; their other sessions were signed out`);
    return { changed: true };
  },
  { role: "viewer" },
);
