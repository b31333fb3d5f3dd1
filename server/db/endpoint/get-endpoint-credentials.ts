import "server-only";
import { decryptSecret } from "../../secrets/decrypt-secret";
import { getDb } from "../client";
import type { TEndpointRole } from "../../../contracts/endpoint.types";

export interface GetEndpointCredentialsOptions {
  taskId: string;
  role: TEndpointRole;
}

export interface EndpointCredentials {
  host: string;
  port: number;
  mode: "standalone" | "cluster";
  username?: string;
  password?: string;
}

/**
 * The decrypted connection details, for the engine only. Never return this from a server action or
 * route handler, and never log it.
 */
export async function getEndpointCredentials({ taskId, role }: GetEndpointCredentialsOptions): Promise<EndpointCredentials | null> {
  const e = await getDb().endpoint.findUnique({
    where: { taskId_role: { taskId, role } },
    omit: { passwordEncrypted: false },
  });
  if (!e) return null;
  return {
    host: e.host,
    port: e.port,
    mode: e.mode === "cluster" ? "cluster" : "standalone",
    ...(e.username && { username: e.username }),
    ...(e.passwordEncrypted && { password: decryptSecret(e.passwordEncrypted) }),
  };
}
