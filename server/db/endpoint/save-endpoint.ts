import "server-only";
import { encryptSecret } from "../../secrets/encrypt-secret";
import { getDb } from "../client";
import type { TEndpointRole, TInstanceMode, TInstanceType } from "./endpoint.types";

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

/** Creates or replaces the source or destination of a task. Returns nothing secret. */
export async function saveEndpoint({ taskId, role, password, ...fields }: SaveEndpointOptions): Promise<void> {
  const passwordEncrypted = password === undefined ? undefined : password ? encryptSecret(password) : null;
  const data = { ...fields, username: fields.username || null, ...(passwordEncrypted !== undefined && { passwordEncrypted }) };
  await getDb().endpoint.upsert({
    where: { taskId_role: { taskId, role } },
    create: { taskId, role, ...data },
    update: data,
    select: { id: true },
  });
}
