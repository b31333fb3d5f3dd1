import { z } from "zod";

/**
 * Who may do what in the console: a viewer reads, an operator also configures and runs tasks, an
 * admin also manages operators. No `server-only`: forms show the same names.
 */
export const ZRoleSchema = z.enum(["viewer", "operator", "admin"]);
export type TRole = z.infer<typeof ZRoleSchema>;

const RANK: Record<TRole, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleOf(value: string): TRole {
  const parsed = ZRoleSchema.safeParse(value);
  // An unknown value (a hand-edited row) gets the least power, never the most.
  return parsed.success ? parsed.data : "viewer";
}

export function hasRole(role: TRole, needed: TRole): boolean {
  return RANK[role] >= RANK[needed];
}

export const ROLE_LABEL: Record<TRole, string> = { viewer: "Viewer (reads only)", operator: "Operator (configures and runs tasks)", admin: "Admin (also manages operators)" };

export function forbiddenMessage(role: TRole, needed: TRole): string {
  return needed === "admin" ? `Only an admin can do this (you are signed in as ${role}).` : `Your role (${role}) can only read: ask an admin for the operator role to change tasks.`;
}
