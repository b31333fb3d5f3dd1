import "server-only";
import { encryptSecret } from "../../secrets/encrypt-secret";
import { getDb } from "../client";
import type { TEndpointRole, TInstanceMode, TInstanceType } from "../../../contracts/endpoint.types";

export interface SaveEndpointOptions {
  taskId: string;
  role: TEndpointRole;
  instanceType?: TInstanceType;
  regionLabel?: string;
  host: string;
  port: number;
  mode: TInstanceMode;
  username?: string | null;
  /** undefined keeps the stored password; null or "" removes it; text is encrypted before storing */
  password?: string | null;
}

/**
 * Creates or replaces the source or destination of a task. Returns nothing secret. Pointing a task at
 * another deployment drops its checkpoints: they describe streams of the old one, and resuming from
 * them would skip the new destination's full synchronization.
 */
export async function saveEndpoint({ taskId, role, password, ...fields }: SaveEndpointOptions): Promise<void> {
  const passwordEncrypted = password === undefined ? undefined : password ? encryptSecret(password) : null;
  const data = { ...fields, username: fields.username || null, ...(passwordEncrypted !== undefined && { passwordEncrypted }) };
  await getDb().$transaction(async (tx) => {
    const before = await tx.endpoint.findUnique({ where: { taskId_role: { taskId, role } }, select: { host: true, port: true, mode: true } });
    if (before && (before.host !== fields.host || before.port !== fields.port || before.mode !== fields.mode)) {
      await tx.checkpoint.deleteMany({ where: { taskId } });
    }
    await tx.endpoint.upsert({
      where: { taskId_role: { taskId, role } },
      create: { taskId, role, ...data },
      update: data,
      select: { id: true },
    });
  });
}
