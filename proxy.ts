import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./server/auth/session-token";
import { HSTS, newNonce, pageCsp } from "./server/http/security-headers";

/** scripts/serve.mjs sets X-Forwarded-Proto from the socket, or from a TRUST_PROXY proxy. */
function reachedOverHttps(request: NextRequest): boolean {
  return request.headers.get("x-forwarded-proto") === "https" || request.nextUrl.protocol === "https:";
}

/**
 * A first, cheap gate: without a session cookie, pages redirect to the sign-in page. It only checks
 * that a cookie is present; every page and server action still verifies the session itself
 * (server/auth/).
 */
function gate(request: NextRequest, forward: Headers): NextResponse {
  const next = () => NextResponse.next({ request: { headers: forward } });
  const { pathname, search } = request.nextUrl;
  if (pathname === "/sign-in" || pathname.startsWith("/sign-in/")) return next();
  if (request.cookies.get(SESSION_COOKIE)?.value) return next();
  // Server actions answer for themselves with `{ error }`; a redirect would break their response.
  if (request.headers.has("next-action")) return next();
  const url = request.nextUrl.clone();
  url.pathname = "/sign-in";
  url.search = `?next=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

/**
 * Every page also gets its Content-Security-Policy here: a fresh nonce per request, which
 * Next reads from the request's CSP header and puts on its own scripts (pages render dynamically:
 * the root layout reads the request). HSTS only when the console was reached over HTTPS.
 */
export function proxy(request: NextRequest) {
  const https = reachedOverHttps(request);
  const nonce = newNonce();
  const csp = pageCsp({ nonce, https, dev: process.env.NODE_ENV === "development" });
  const forward = new Headers(request.headers);
  forward.set("x-nonce", nonce);
  forward.set("content-security-policy", csp);
  const response = gate(request, forward);
  response.headers.set("Content-Security-Policy", csp);
  if (https) response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

/**
 * Not the API routes: each checks the session or its token itself (a 401 without one), and their
 * policy does not depend on the request (next.config.js sets it). Running the proxy cost every poll
 * of the status route more CPU than the route's own work.
 */
export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|robots.txt).*)"],
};
