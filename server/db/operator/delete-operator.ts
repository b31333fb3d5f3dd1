import "server-only";
import { DtsError } from "../../errors";
import { getDb } from "../client";

export interface DeleteOperatorOptions {
  id: string;
}

/** Removes an operator and signs out its sessions; never the last admin. Returns the username. */
export async function deleteOperator({ id }: DeleteOperatorOptions): Promise<string> {
  return getDb().$transaction(async (tx) => {
    const target = await tx.operator.findUnique({ where: { id }, select: { role: true, username: true } });
    if (!target) throw new DtsError("INVALID_CONFIG", "This operator no longer exists.");
    if (target.role === "admin" && (await tx.operator.count({ where: { role: "admin" } })) <= 1) {
      throw new DtsError("INVALID_CONFIG", "The last admin cannot be removed.");
    }
    await tx.operator.delete({ where: { id }, select: { id: true } });
    return target.username;
  });
}
