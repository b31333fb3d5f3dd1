import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./server/auth/session-token";
import { API_CSP, HSTS, newNonce, pageCsp } from "./server/http/security-headers";

/** scripts/serve.mjs sets X-Forwarded-Proto from the socket, or from a TRUST_PROXY proxy. */
function reachedOverHttps(request: NextRequest): boolean {
  return request.headers.get("x-forwarded-proto") === "https" || request.nextUrl.protocol === "https:";
}

/**
 * A first, cheap gate: without a session cookie, pages redirect to the sign-in page and API routes
 * answer 401. It only checks that a cookie is present; every page, server action and route handler
 * still verifies the session itself (server/auth/).
 */
function gate(request: NextRequest, forward: Headers): NextResponse {
  const next = () => NextResponse.next({ request: { headers: forward } });
  const { pathname, search } = request.nextUrl;
  if (pathname === "/sign-in" || pathname.startsWith("/sign-in/")) return next();
  // a Prometheus scraper has no session: the route checks its bearer token (server/auth/metrics-token.ts)
  if (pathname === "/api/metrics") return next();
  if (request.cookies.get(SESSION_COOKIE)?.value) return next();
  // Server actions answer for themselves with `{ error }`; a redirect would break their response.
  if (request.headers.has("next-action")) return next();
  if (pathname.startsWith("/api/")) return NextResponse.json({ error: "Sign in first." }, { status: 401 });
  const url = request.nextUrl.clone();
  url.pathname = "/sign-in";
  url.search = `?next=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

/**
 * Every page and route also gets its Content-Security-Policy here: a fresh nonce per request, which
 * Next reads from the request's CSP header and puts on its own scripts (pages render dynamically:
 * the root layout reads the request). HSTS only when the console was reached over HTTPS.
 */
export function proxy(request: NextRequest) {
  const https = reachedOverHttps(request);
  const api = request.nextUrl.pathname.startsWith("/api/");
  const nonce = newNonce();
  const csp = api ? API_CSP : pageCsp({ nonce, https, dev: process.env.NODE_ENV === "development" });
  const forward = new Headers(request.headers);
  forward.set("x-nonce", nonce);
  forward.set("content-security-policy", csp);
  const response = gate(request, forward);
  response.headers.set("Content-Security-Policy", csp);
  if (https) response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt).*)"],
};
