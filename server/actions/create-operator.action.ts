"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { generatePassword, hashPassword } from "@/server/auth/password";
import { createOperator } from "@/server/db/operator/create-operator";
import { ZCreateOperatorSchema } from "@/server/db/operator/operator.types";
import { FieldError } from "@/server/auth/field-error";

/** Admins only. A generated password is returned once for the admin to hand over; never logged. */
export const createOperatorAction = operatorAction(
  ZCreateOperatorSchema,
  async ({ username, role, password }, { operator }) => {
    const chosen = password || generatePassword();
    try {
      await createOperator({ username, role, passwordHash: await hashPassword(chosen) });
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") throw new FieldError({ username: `The username "${username}" is taken.` });
      throw err;
    }
    console.log(`auth: ${operator.username} created the operator "${username}" (${role})`);
    return { username, role, generatedPassword: password ? null : chosen };
  },
  { role: "admin" },
);
