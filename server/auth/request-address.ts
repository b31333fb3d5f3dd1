import "server-only";
import { headers } from "next/headers";

/**
 * The client's address as Next's server reports it (x-forwarded-for, which `next start` sets from the
 * socket; a reverse proxy in front should overwrite it). Used only to slow down repeated failures.
 */
export async function requestAddress(): Promise<string> {
  const h = await headers();
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || h.get("x-real-ip")?.trim() || "unknown";
}

/** Whether the browser reached us over HTTPS (then the session cookie is marked Secure). */
export async function requestIsHttps(): Promise<boolean> {
  const h = await headers();
  return (h.get("x-forwarded-proto") ?? "").split(",")[0]?.trim() === "https";
}
