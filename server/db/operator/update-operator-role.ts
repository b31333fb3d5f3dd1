import "server-only";
import { DtsError } from "../../errors";
import { getDb } from "../client";
import type { TRole } from "../../../contracts/roles";

export interface UpdateOperatorRoleOptions {
  id: string;
  role: TRole;
}

/** Changes a role; the last admin cannot stop being one (checked in the same transaction). */
export async function updateOperatorRole({ id, role }: UpdateOperatorRoleOptions): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const target = await tx.operator.findUnique({ where: { id }, select: { role: true } });
    if (!target) throw new DtsError("INVALID_CONFIG", "This operator no longer exists.");
    if (target.role === "admin" && role !== "admin" && (await tx.operator.count({ where: { role: "admin" } })) <= 1) {
      throw new DtsError("INVALID_CONFIG", "The last admin cannot lose the admin role: make another operator admin first.");
    }
    await tx.operator.update({ where: { id }, data: { role }, select: { id: true } });
  });
}
