import { z } from "zod";

export const ZEndpointRoleSchema = z.enum(["source", "destination"]);
export type TEndpointRole = z.infer<typeof ZEndpointRoleSchema>;

export const ZInstanceModeSchema = z.enum(["standalone", "cluster"]);
export type TInstanceMode = z.infer<typeof ZInstanceModeSchema>;

/** Labels only: both kinds are reached the same way (a host and a port this engine can connect to). */
export const ZInstanceTypeSchema = z.enum(["self_managed", "vpn_gateway"]);
export type TInstanceType = z.infer<typeof ZInstanceTypeSchema>;

/** An endpoint as the browser may see it: whether a password is stored, never the password. */
export interface EndpointView {
  role: TEndpointRole;
  instanceType: string;
  regionLabel: string;
  host: string;
  port: number;
  mode: string;
  username: string | null;
  hasPassword: boolean;
  tls: boolean;
  tlsInsecure: boolean;
  tlsServername: string | null;
  /** a CA, client certificate or key is stored (never the PEM itself) */
  hasTlsMaterial: boolean;
}
