import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));
/** Shared with server/http/security-headers.ts. */
const STATIC_SECURITY_HEADERS = JSON.parse(readFileSync(path.join(root, "server/http/static-security-headers.json"), "utf8"));
const POLICIES = JSON.parse(readFileSync(path.join(root, "server/http/security-policies.json"), "utf8"));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native modules and connection pools stay plain Node requires, not bundled.
  serverExternalPackages: ["better-sqlite3", "pg", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "ioredis"],
  poweredByHeader: false,
  devIndicators: false,
  // `npm run typecheck` checks types; a production start must not fail on a test file's types.
  typescript: { ignoreBuildErrors: true },
  turbopack: { root },
  outputFileTracingRoot: root,
  // Headers that do not depend on the request, on every response (static files included); a page's
  // Content-Security-Policy with its per-request nonce and HSTS come from proxy.ts. The API routes,
  // which the proxy skips, get their fixed policy, and HSTS when reached over HTTPS (scripts/serve.mjs
  // sets X-Forwarded-Proto from the socket or a trusted proxy), here.
  async headers() {
    return [
      { source: "/:path*", headers: Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })) },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: POLICIES.apiCsp }] },
      { source: "/api/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https" }], headers: [{ key: "Strict-Transport-Security", value: POLICIES.hsts }] },
    ];
  },
  // The build folder stays .next: another distDir makes `next build` rewrite tsconfig.json.
};

export default nextConfig;
