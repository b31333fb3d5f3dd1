import { z } from "zod";

/** Stands in for the console's origin when parsing: only what stays on it survives. */
const CONSOLE_ORIGIN = "http://redis-dts.invalid";

/**
 * Only a path on this console: `next` is parsed the way a browser would (tabs and newlines dropped,
 * backslashes read as slashes, relative to the console's origin) and kept only when it stays on that
 * origin. What is returned is the parsed path re-serialized, never the raw text, so what was checked
 * is what the browser gets; a path that would read as protocol-relative ("//host") falls back to "/".
 */
export function safeReturnPath(next: unknown): string {
  if (typeof next !== "string" || next === "" || next.length > 2000) return "/";
  let url: URL;
  try {
    url = new URL(next, `${CONSOLE_ORIGIN}/`);
  } catch {
    return "/";
  }
  if (url.origin !== CONSOLE_ORIGIN || url.username || url.password) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) return "/";
  // Only absolute paths as typed: "tasks" or "./x" would resolve against wherever the browser is.
  if (!next.trimStart().startsWith("/")) return "/";
  return path;
}

export const ZSignInSchema = z.object({
  username: z.string().trim().min(1, "Enter the username.").max(200),
  password: z.string().min(1, "Enter the password.").max(1000),
  next: z.string().max(2000).optional(),
});
export type TSignIn = z.infer<typeof ZSignInSchema>;
