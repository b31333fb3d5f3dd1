import "server-only";
import { encryptSecret } from "../../secrets/encrypt-secret";
import type { TlsConfig } from "../../engine/tls";
import { getDb } from "../client";
import { bindingChanged, endpointBinding } from "./endpoint-binding";
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
  /** undefined keeps the stored password (only while host, port, user and mode stay); null or "" removes it; text is encrypted before storing */
  password?: string | null;
  /** undefined keeps the stored TLS settings; null: plain TCP; the CA, certificate and key are stored encrypted */
  tls?: TlsConfig | null;
}

export interface SaveEndpointResult {
  /** host, port or mode changed: the task's replication positions were cleared */
  moved: boolean;
  /** a stored password was removed because the endpoint now points elsewhere and none was given */
  passwordDropped: boolean;
}

/**
 * Creates or replaces the source or destination of a task. Returns nothing secret. Pointing a task at
 * another deployment drops its checkpoints: they describe streams of the old one, and resuming from
 * them would skip the new destination's full synchronization. It also drops a stored password that was
 * not given again: a secret is only ever sent where it was saved for (see endpoint-binding.ts). Says
 * whether it moved (and so whether the checkpoints went): this is the one place that rule is written.
 */
export async function saveEndpoint({ taskId, role, password, tls, ...fields }: SaveEndpointOptions): Promise<SaveEndpointResult> {
  const username = fields.username || null;
  return getDb().$transaction(async (tx) => {
    const before = await tx.endpoint.findUnique({
      where: { taskId_role: { taskId, role } },
      select: { host: true, port: true, mode: true, username: true, passwordEncrypted: true, tls: true, tlsInsecure: true, tlsServername: true, tlsEncrypted: true },
    });
    const tlsFlags =
      tls === undefined
        ? { tls: before?.tls ?? false, tlsInsecure: before?.tlsInsecure ?? false, tlsServername: before?.tlsServername ?? null }
        : { tls: tls !== null, tlsInsecure: Boolean(tls?.insecure), tlsServername: tls?.servername ?? null };
    const binding = endpointBinding({ taskId, role, host: fields.host, port: fields.port, username, mode: fields.mode, ...tlsFlags });
    const material = tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : null;
    const tlsEncrypted =
      tls === undefined
        ? before && before.tlsEncrypted && bindingChanged({ taskId, role, ...before }, { taskId, role, ...fields, username, ...tlsFlags })
          ? null // material bound to the old endpoint cannot follow it
          : undefined
        : material && (material.ca || material.cert || material.key)
          ? encryptSecret(JSON.stringify(material), undefined, binding)
          : null;
    const relocated = Boolean(before?.host && (before.host !== fields.host || before.port !== fields.port || before.mode !== fields.mode));
    if (relocated) await tx.checkpoint.deleteMany({ where: { taskId } });
    const rebound = Boolean(before && bindingChanged({ taskId, role, ...before }, { taskId, role, ...fields, username, ...tlsFlags }));
    const passwordDropped = password === undefined && rebound && Boolean(before?.passwordEncrypted);
    const passwordEncrypted =
      password === undefined ? (passwordDropped ? null : undefined) : password ? encryptSecret(password, undefined, binding) : null;
    const data = { ...fields, username, ...tlsFlags, ...(passwordEncrypted !== undefined && { passwordEncrypted }), ...(tlsEncrypted !== undefined && { tlsEncrypted }) };
    await tx.endpoint.upsert({
      where: { taskId_role: { taskId, role } },
      create: { taskId, role, ...data },
      update: data,
      select: { id: true },
    });
    return { moved: relocated, passwordDropped };
  });
}
