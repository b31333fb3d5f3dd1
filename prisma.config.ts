import { defineConfig } from "prisma/config";

// Used by the prisma CLI (generate, studio). The console does not read it: migrations are applied at
// runtime by server/db/migrate.ts, and the database URL comes from DATABASE_URL (server/db/url.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations/sqlite" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./data/redis-dts.db" },
});
