/**
 * The security headers of every console response (issue 13, finding 3). No `server-only`: proxy.ts
 * and next.config.js use them, and tests read them.
 */
import staticHeaders from "./static-security-headers.json";
import policies from "./security-policies.json";

/** Headers that do not depend on the request: every response, static files included (next.config.js). */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = staticHeaders;

/** One year, subdomains excluded: the console may share a domain with unrelated HTTP services. */
export const HSTS: string = policies.hsts;

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString("base64");
}

/**
 * A page's policy: scripts only with this response's nonce ('strict-dynamic' lets Next's own chunks
 * load), no plugins, no framing, nothing sent or fetched off the console's origin. Style attributes
 * (React `style={…}`) cannot run script and stay allowed; style elements need the nonce.
 */
export function pageCsp({ nonce, https, dev }: { nonce: string; https: boolean; dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** JSON and downloads: nothing in them may run or be framed (next.config.js sets it on /api/). */
export const API_CSP: string = policies.apiCsp;
