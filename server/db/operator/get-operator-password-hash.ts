import "server-only";
import { getDb } from "../client";

export interface GetOperatorPasswordHashOptions {
  id: string;
}

/** For checking the current password before it is changed; never leaves the server. */
export async function getOperatorPasswordHash({ id }: GetOperatorPasswordHashOptions): Promise<string | null> {
  const row = await getDb().operator.findUnique({ where: { id }, select: { passwordHash: true } });
  return row?.passwordHash ?? null;
}
