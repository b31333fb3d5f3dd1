import "server-only";
import { getDb } from "../client";
import type { EndpointView, TEndpointRole } from "../../../contracts/endpoint.types";

export interface GetEndpointsOptions {
  taskId: string;
}

/** A task's source and destination as the console shows them (no passwords). */
export async function getEndpoints({ taskId }: GetEndpointsOptions): Promise<Partial<Record<TEndpointRole, EndpointView>>> {
  const rows = await getDb().endpoint.findMany({ where: { taskId }, omit: { passwordEncrypted: false, tlsEncrypted: false } });
  const out: Partial<Record<TEndpointRole, EndpointView>> = {};
  for (const { passwordEncrypted, tlsEncrypted, role, ...rest } of rows) {
    if (role !== "source" && role !== "destination") continue;
    out[role] = {
      role,
      instanceType: rest.instanceType,
      regionLabel: rest.regionLabel,
      host: rest.host,
      port: rest.port,
      mode: rest.mode,
      username: rest.username,
      hasPassword: Boolean(passwordEncrypted),
      tls: rest.tls,
      tlsInsecure: rest.tlsInsecure,
      tlsServername: rest.tlsServername,
      hasTlsMaterial: Boolean(tlsEncrypted),
    };
  }
  return out;
}
