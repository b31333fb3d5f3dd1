import "server-only";
import { getDb } from "../client";

export interface DeleteSessionOptions {
  tokenHash: string;
}

export async function deleteSession({ tokenHash }: DeleteSessionOptions): Promise<void> {
  await getDb().session.deleteMany({ where: { tokenHash } });
}
