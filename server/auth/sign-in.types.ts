import { z } from "zod";

/** Only a path on this site: never an absolute URL or a protocol-relative one (open redirects). */
export function safeReturnPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}

export const ZSignInSchema = z.object({
  username: z.string().trim().min(1, "Enter the username.").max(200),
  password: z.string().min(1, "Enter the password.").max(1000),
  next: z.string().max(2000).optional(),
});
export type TSignIn = z.infer<typeof ZSignInSchema>;
