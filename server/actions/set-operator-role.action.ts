"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { updateOperatorRole } from "@/server/db/operator/update-operator-role";
import { ZSetOperatorRoleSchema } from "@/server/db/operator/operator.types";

/** Admins only; the last admin keeps the role. Takes effect on the operator's next request. */
export const setOperatorRoleAction = operatorAction(
  ZSetOperatorRoleSchema,
  async ({ id, role }, { operator }) => {
    await updateOperatorRole({ id, role });
    console.log(`auth: ${operator.username} set the role of operator ${id} to ${role}`);
    return { id, role };
  },
  { role: "admin" },
);
