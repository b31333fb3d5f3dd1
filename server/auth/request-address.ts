import "server-only";
import { headers } from "next/headers";

/**
 * The client's address. scripts/serve.mjs replaces X-Forwarded-For before Next sees a request: the
 * socket's address, or, from a proxy named in TRUST_PROXY, the nearest untrusted hop. A client's own
 * X-Forwarded-For never reaches here. Used to slow down repeated sign-in failures.
 */
export async function requestAddress(): Promise<string> {
  const h = await headers();
  return h.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}

/** Whether the browser reached us over HTTPS (then the session cookie is marked Secure); set like the address. */
export async function requestIsHttps(): Promise<boolean> {
  const h = await headers();
  return (h.get("x-forwarded-proto") ?? "").split(",")[0]?.trim() === "https";
}
