import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));

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
  // The build folder stays .next: another distDir makes `next build` rewrite tsconfig.json.
};

export default nextConfig;
