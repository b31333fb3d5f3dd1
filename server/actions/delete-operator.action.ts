"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { deleteOperator } from "@/server/db/operator/delete-operator";
import { ZOperatorRefSchema } from "@/server/db/operator/operator.types";
import { DtsError } from "@/server/errors";

/** Admins only; not yourself, not the last admin. The operator's sessions end with it. */
export const deleteOperatorAction = operatorAction(
  ZOperatorRefSchema,
  async ({ id }, { operator }) => {
    if (id === operator.id) throw new DtsError("INVALID_CONFIG", "You cannot remove yourself; another admin can.");
    const username = await deleteOperator({ id });
    console.log(`auth: ${operator.username} removed the operator "${username}"`);
    return { id };
  },
  { role: "admin" },
);
