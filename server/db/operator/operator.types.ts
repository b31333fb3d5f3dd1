import { z } from "zod";
import { ZRoleSchema } from "../../../contracts/roles";

/** Forms and actions of the Operators and Account pages (no server-only: forms check the same rules). */
export const ZOperatorUsernameSchema = z
  .string()
  .trim()
  .min(2, "A username has at least 2 characters.")
  .max(64, "A username has at most 64 characters.")
  .regex(/^[A-Za-z0-9._-]+$/, "Use letters, digits, dot, dash and underscore.");

export const ZNewPasswordSchema = z.string().min(12, "Use at least 12 characters.").max(1000, "At most 1000 characters.");

export const ZOperatorIdSchema = z.string().trim().min(1).max(64);

export const ZCreateOperatorSchema = z.object({
  username: ZOperatorUsernameSchema,
  role: ZRoleSchema,
  /** empty: a password is generated and shown once */
  password: z.union([z.literal(""), ZNewPasswordSchema]).optional(),
});
export type TCreateOperator = z.input<typeof ZCreateOperatorSchema>;

export const ZSetOperatorRoleSchema = z.object({ id: ZOperatorIdSchema, role: ZRoleSchema });
export const ZOperatorRefSchema = z.object({ id: ZOperatorIdSchema });

export const ZChangeOwnPasswordSchema = z.object({
  current: z.string().min(1, "Enter your current password.").max(1000),
  next: ZNewPasswordSchema,
});
export type TChangeOwnPassword = z.input<typeof ZChangeOwnPasswordSchema>;
