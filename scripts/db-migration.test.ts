import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain ESM development scripts without type declarations
import { diffSchemas, isEmptyScript } from "./db-engine.mjs";
// @ts-expect-error -- same
import { readSchemas, toPostgres, root } from "./db-schemas.mjs";

describe("db:migration", () => {
  it("finds no schema change without a committed migration (both providers)", () => {
    const r = spawnSync(process.execPath, [path.join(root, "scripts/db-migration.mjs"), "--check"], { encoding: "utf8" });
    expect(r.stderr + r.stdout).toContain("the migrations match prisma/schema.prisma");
    expect(r.status).toBe(0);
  });

  it("turns a schema edit into SQL for SQLite and PostgreSQL, offline", async () => {
    const snapshot = readFileSync(path.join(root, "prisma/migrations/schema.snapshot.prisma"), "utf8");
    const edited = snapshot.replace(/model TaskEvent \{/, "model TaskEvent {\n  source String @default(\"engine\")");
    const sqlite: string = await diffSchemas("sqlite", snapshot, edited);
    const postgres: string = await diffSchemas("postgresql", toPostgres(snapshot), toPostgres(edited));
    expect(sqlite).toMatch(/"source" TEXT NOT NULL DEFAULT 'engine'/);
    expect(postgres).toMatch(/ALTER TABLE "TaskEvent" ADD COLUMN\s+"source" TEXT NOT NULL DEFAULT 'engine'/);
    expect(await diffSchemas("postgresql", toPostgres(snapshot), toPostgres(snapshot))).toSatisfy(isEmptyScript);
    expect(readSchemas().postgresql).toContain('provider = "postgresql"');
  });
});
