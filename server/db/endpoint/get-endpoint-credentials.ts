import "server-only";
import { decryptSecret } from "../../secrets/decrypt-secret";
import { DtsError } from "../../errors";
import { formatAddress } from "../../engine/endpoint";
import { getDb } from "../client";
import { endpointBinding } from "./endpoint-binding";
import type { TEndpointRole } from "../../../contracts/endpoint.types";
import type { TlsConfig } from "../../engine/tls";

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
  tls?: TlsConfig;
}

/**
 * The decrypted connection details, for the engine only: every connection to a stored endpoint gets
 * its secret here. The secret decrypts only with the row's current host, port, user and mode (it was
 * bound to them when saved), so it cannot be sent anywhere else. Never return this from a server
 * action or route handler, and never log it.
 */
export async function getEndpointCredentials({ taskId, role }: GetEndpointCredentialsOptions): Promise<EndpointCredentials | null> {
  const e = await getDb().endpoint.findUnique({
    where: { taskId_role: { taskId, role } },
    omit: { passwordEncrypted: false, tlsEncrypted: false },
  });
  if (!e) return null;
  const binding = endpointBinding(e);
  let password: string | undefined;
  let tls: TlsConfig | undefined;
  if (e.passwordEncrypted || e.tlsEncrypted) {
    try {
      if (e.passwordEncrypted) password = decryptSecret(e.passwordEncrypted, undefined, binding);
      if (e.tlsEncrypted) tls = JSON.parse(decryptSecret(e.tlsEncrypted, undefined, binding)) as TlsConfig;
    } catch (err) {
      const side = role === "source" ? "source" : "destination";
      if (err instanceof DtsError) {
        throw new DtsError("INVALID_CONFIG", `${side === "source" ? "Source" : "Destination"} ${formatAddress(e)}: ${err.message}`);
      }
      throw err;
    }
  }
  return {
    host: e.host,
    port: e.port,
    mode: e.mode === "cluster" ? "cluster" : "standalone",
    ...(e.username && { username: e.username }),
    ...(password !== undefined && { password }),
    ...(e.tls && { tls: { ...tls, ...(e.tlsInsecure && { insecure: true }), ...(e.tlsServername && { servername: e.tlsServername }) } }),
  };
}
