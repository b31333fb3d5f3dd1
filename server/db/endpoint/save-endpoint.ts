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
 * them would skip the new destination's full synchronization. Says whether it moved (and so whether
 * the checkpoints went): this is the one place that rule is written.
 */
export async function saveEndpoint({ taskId, role, password, ...fields }: SaveEndpointOptions): Promise<{ moved: boolean }> {
  const passwordEncrypted = password === undefined ? undefined : password ? encryptSecret(password) : null;
  const data = { ...fields, username: fields.username || null, ...(passwordEncrypted !== undefined && { passwordEncrypted }) };
  return getDb().$transaction(async (tx) => {
    const before = await tx.endpoint.findUnique({ where: { taskId_role: { taskId, role } }, select: { host: true, port: true, mode: true } });
    const moved = Boolean(before?.host && (before.host !== fields.host || before.port !== fields.port || before.mode !== fields.mode));
    if (moved) await tx.checkpoint.deleteMany({ where: { taskId } });
    await tx.endpoint.upsert({
      where: { taskId_role: { taskId, role } },
      create: { taskId, role, ...data },
      update: data,
      select: { id: true },
    });
    return { moved };
  });
}
