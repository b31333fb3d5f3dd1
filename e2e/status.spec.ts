import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import type { Redis } from "ioredis";
import { startRedis, stopAll, waitFor, type RedisNode } from "../server/testing/redis-harness";
import { expectAccessible } from "./axe";
import { signInAsAdmin } from "./helpers";

/**
 * The status page of a task that fails: the error and what to do, Precheck Again on the Precheck
 * tab (naming the node that is down), Restart once fixed, and a Data Verification that finds a
 * difference and offers it for download. Standalone servers, a database mapping (db1 → db3).
 */

let source: RedisNode;
let destination: RedisNode;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  [source, destination] = await Promise.all([startRedis({ password: "status-src-pw" }), startRedis()]);
});

test.afterAll(async () => {
  await stopAll();
});

async function shots(page: Page, testInfo: TestInfo, name: string) {
  const dir = path.join(testInfo.config.rootDir, "..", "test-results", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `status-${name}-1280.png`), fullPage: true });
  await expectAccessible(page, `status-${name}`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(dir, `status-${name}-390.png`), fullPage: true });
  await expectAccessible(page, `status-${name}`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function db(node: RedisNode, n: number): Promise<Redis> {
  const c = node.client();
  await c.select(n);
  return c;
}

test("a failed task: its error, Precheck Again naming the cause, Restart, and a verification that finds a difference", async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  const name = `sessions ${Date.now().toString(36)}`;
  const src1 = await db(source, 1);
  for (let i = 0; i < 20; i++) await src1.set(`s:${i}`, String(i));

  await signInAsAdmin(page);
  await page.getByRole("button", { name: "Create Task" }).first().click();
  await page.getByRole("dialog", { name: "Create Task" }).getByLabel("Synchronization Task Name").fill(name);
  await page.getByRole("dialog", { name: "Create Task" }).getByRole("button", { name: "Create" }).click();
  await page.getByRole("listitem", { name, exact: true }).getByRole("link", { name: "Configure Synchronization Channel" }).click();

  const sourceSide = page.getByRole("group", { name: "Source Instance Details" });
  const destSide = page.getByRole("group", { name: "Destination Instance Details" });
  await sourceSide.getByLabel("Host", { exact: true }).fill("127.0.0.1");
  await sourceSide.getByLabel("Port Number").fill(String(source.port));
  await sourceSide.getByLabel("Database Password").fill("status-src-pw");
  await destSide.getByLabel("Host", { exact: true }).fill("127.0.0.1");
  await destSide.getByLabel("Port Number").fill(String(destination.port));
  await page.getByRole("button", { name: "Set Whitelist and Next" }).click();
  await expect(page.getByText("All 2 nodes answered with the given credentials.")).toBeVisible({ timeout: 20_000 });
  await page.getByRole("button", { name: "Next", exact: true }).click();

  // A standalone source lists its 16 databases; db1 goes to the destination's db3.
  await expect(page.getByLabel("Available: db15", { exact: true })).toBeVisible();
  await expect(page.getByText("20 keys")).toBeVisible();
  await page.getByLabel("Selected: db0", { exact: true }).check();
  await page.getByRole("button", { name: /Remove/ }).click();
  await page.getByLabel("Available: db1", { exact: true }).check();
  await page.getByRole("button", { name: /Add to Selected/ }).click();
  await page.getByLabel("Destination database for db1", { exact: true }).fill("3");
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByRole("button", { name: "Precheck", exact: true }).click();
  await expect(page.getByText("The precheck is passed.")).toBeVisible({ timeout: 30_000 });

  // The source goes away between the precheck and the start: the engine fails and says why.
  await source.stop();
  await page.getByRole("button", { name: "Start Task" }).click();
  const badge = page.locator("h1 ~ [data-state]");
  await expect(badge).toHaveText("Failed", { timeout: 30_000 });
  await expect(page.getByRole("alert").filter({ hasText: String(source.port) })).toBeVisible();
  await expect(page.getByTestId("state-meaning")).toContainText("The synchronization stopped on an error");
  await expect(page.getByRole("button", { name: "Restart" })).toBeVisible();
  await shots(page, testInfo, "failed");

  // Precheck Again names the node that cannot be reached.
  await page.getByRole("tab", { name: "Precheck" }).click();
  await page.getByRole("button", { name: "Precheck Again" }).click();
  await expect(page.getByText(/The precheck failed/)).toBeVisible({ timeout: 30_000 });
  const connectivity = page.locator('[data-item="source_connectivity"]');
  await expect(connectivity).toHaveAttribute("data-status", "failed");
  await connectivity.getByRole("button", { name: "Details" }).click();
  await expect(connectivity).toContainText(`127.0.0.1:${source.port}`);
  await shots(page, testInfo, "precheck-again");

  // Test servers keep nothing on disk: the restarted source starts empty, so its data is written again.
  await source.restart();
  const again1 = await db(source, 1);
  for (let i = 0; i < 20; i++) await again1.set(`s:${i}`, String(i));
  await page.getByRole("button", { name: "Precheck Again" }).click();
  await expect(page.getByText("The precheck is passed.")).toBeVisible({ timeout: 30_000 });

  // Restart: the engine runs its own precheck, then synchronizes db1 into db3.
  await page.getByRole("button", { name: "Restart" }).click();
  await expect(badge).toHaveText("Synchronizing", { timeout: 60_000 });
  const dst3 = await db(destination, 3);
  await waitFor(async () => (await dst3.get("s:19")) === "19", 10_000, "db1 copied into db3");
  await (await db(source, 1)).set("after-restart", "yes");
  await waitFor(async () => (await dst3.get("after-restart")) === "yes", 15_000, "a live write in db3");

  // A key only the destination has is found, named, and can be downloaded.
  await dst3.set("only-on-destination", "x");
  await page.getByRole("tab", { name: "Data Verification" }).click();
  await page.getByRole("radio", { name: /^Quick/ }).check();
  await page.getByRole("button", { name: "Start Verification" }).click();
  const latest = page.getByRole("region", { name: "Latest verification" });
  await expect(latest.getByText("Differences found")).toBeVisible({ timeout: 60_000 });
  await expect(latest.getByRole("row", { name: /only-on-destination/ })).toContainText("only on the destination");
  const href = await latest.getByRole("link", { name: "Download CSV" }).getAttribute("href");
  const csv = await (await page.request.get(href!)).text();
  expect(csv.split("\r\n")[0]).toBe("source_db,target_db,kind,key,key_base64,detail");
  expect(csv).toContain(`1,3,extra,only-on-destination,${Buffer.from("only-on-destination").toString("base64")}`);
  await shots(page, testInfo, "verification-differences");

  // Fixed on the destination, the next run is consistent; the first run stays in the history.
  await dst3.del("only-on-destination");
  await page.getByRole("button", { name: "Start Verification" }).click();
  await expect(latest.getByText("Consistent")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("region", { name: "Past verifications" }).getByText("Differences found")).toBeVisible();

  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await shots(page, testInfo, "stop-dialog");
  await page.getByRole("dialog", { name: "Stop Task" }).getByRole("button", { name: "Stop Task" }).click();
  await expect(badge).toHaveText("Finished", { timeout: 30_000 });
  await expect(page.getByTestId("state-meaning")).toContainText("stopped for good");
});
