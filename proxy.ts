import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./server/auth/session-token";

/**
 * A first, cheap gate: without a session cookie, pages redirect to the sign-in page and API routes
 * answer 401. It only checks that a cookie is present; every page, server action and route handler
 * still verifies the session itself (server/auth/).
 */
export function proxy(request: NextRequest) {
  if (request.cookies.get(SESSION_COOKIE)?.value) return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  // Server actions answer for themselves with `{ error }`; a redirect would break their response.
  if (request.headers.has("next-action")) return NextResponse.next();
  if (pathname.startsWith("/api/")) return NextResponse.json({ error: "Sign in first." }, { status: 401 });
  const url = request.nextUrl.clone();
  url.pathname = "/sign-in";
  url.search = `?next=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/((?!sign-in|_next/static|_next/image|favicon.ico|robots.txt).*)"],
};
