"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { generatePassword, hashPassword } from "@/server/auth/password";
import { setOperatorPassword } from "@/server/db/operator/set-operator-password";
import { findOperators } from "@/server/db/operator/find-operators";
import { ZOperatorRefSchema } from "@/server/db/operator/operator.types";
import { DtsError } from "@/server/errors";

/** Admins only: a new generated password, shown once; the operator's sessions end. */
export const resetOperatorPasswordAction = operatorAction(
  ZOperatorRefSchema,
  async ({ id }, { operator }) => {
    const target = (await findOperators()).find((o) => o.id === id);
    if (!target) throw new DtsError("INVALID_CONFIG", "This operator no longer exists.");
    const password = generatePassword();
    await setOperatorPassword({ username: target.username, passwordHash: await hashPassword(password) });
    console.log(`auth: ${operator.username} reset the password of "${target.username}"`);
    return { username: target.username, generatedPassword: password };
  },
  { role: "admin" },
);
