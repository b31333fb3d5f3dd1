import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { expectAccessible } from "./axe";

export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "";

export async function signIn(page: Page, password = ADMIN_PASSWORD, next = "/") {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign In" }).click();
}

export async function signInAsAdmin(page: Page) {
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Synchronization Tasks", exact: true })).toBeVisible();
}

/**
 * test-results/screenshots/<project>-<name>.png, for a human to look at after the run; every
 * photographed state is also checked for accessibility at the current width.
 */
export async function snap(page: Page, testInfo: TestInfo, name: string) {
  const dir = path.join(testInfo.config.rootDir, "..", "test-results", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${testInfo.project.name}-${name}.png`), fullPage: true });
  await expectAccessible(page, `${testInfo.project.name}-${name}`);
}

/**
 * Seeds what only the engine would do (e.g. a running state) straight into the run's database,
 * SQLite or PostgreSQL. Statements use `?` placeholders.
 */
export async function runSql(statements: [sql: string, params: unknown[]][]): Promise<void> {
  const url = process.env.E2E_DATABASE_URL;
  if (url && /^postgres/.test(url)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const [sql, params] of statements) {
        let n = 0;
        await client.query(sql.replace(/\?/g, () => `$${++n}`), params);
      }
    } finally {
      await client.end();
    }
    return;
  }
  const db = new Database(path.join(process.env.E2E_DATA_DIR ?? "", "e2e.db"));
  try {
    for (const [sql, params] of statements) db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

/** Reads rows straight from the run's database (SQLite or PostgreSQL); `?` placeholders. */
export async function querySql<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
  const url = process.env.E2E_DATABASE_URL;
  if (url && /^postgres/.test(url)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      let n = 0;
      return (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = new Database(path.join(process.env.E2E_DATA_DIR ?? "", "e2e.db"), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export function uniqueName(testInfo: TestInfo, what: string) {
  return `${what} ${testInfo.project.name} ${Date.now().toString(36)}`;
}
