import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { startRedis, stopAll, waitFor, type RedisNode } from "../server/testing/redis-harness";
import { signInAsAdmin } from "./helpers";

/**
 * Issue 17: a source that refuses SYNC/PSYNC (renamed away, as managed services do). The precheck
 * fails on PSYNC and offers the scan reader; with the operator's consent it runs again and passes
 * with warnings; the task runs labelled "best effort: verify before switching", follows writes,
 * and the label leads to Data Verification.
 */

let source: RedisNode;
let destination: RedisNode;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  [source, destination] = await Promise.all([startRedis({ config: { "rename-command": ['SYNC ""', 'PSYNC ""'] } }), startRedis()]);
});

test.afterAll(async () => {
  await stopAll();
});

async function shots(page: Page, testInfo: TestInfo, name: string) {
  const dir = path.join(testInfo.config.rootDir, "..", "test-results", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `scan-reader-${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(dir, `scan-reader-${name}-390.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("a source refusing PSYNC: the wizard asks before the scan reader is used, the status page labels the task", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const name = `scan reader ${Date.now().toString(36)}`;
  const src = source.client();
  const dst = destination.client();
  await src.set("seed", "1");
  await src.hset("h", "a", "1");

  await signInAsAdmin(page);
  await page.getByRole("button", { name: "Create Task" }).first().click();
  await page.getByRole("dialog", { name: "Create Task" }).getByLabel("Synchronization Task Name").fill(name);
  await page.getByRole("dialog", { name: "Create Task" }).getByRole("button", { name: "Create" }).click();
  await page.getByRole("listitem", { name, exact: true }).getByRole("link", { name: "Configure Synchronization Channel" }).click();
  const sourceSide = page.getByRole("group", { name: "Source Instance Details" });
  const destSide = page.getByRole("group", { name: "Destination Instance Details" });
  await sourceSide.getByLabel("Host", { exact: true }).fill("127.0.0.1");
  await sourceSide.getByLabel("Port Number").fill(String(source.port));
  await destSide.getByLabel("Host", { exact: true }).fill("127.0.0.1");
  await destSide.getByLabel("Port Number").fill(String(destination.port));
  await page.getByRole("button", { name: "Set Whitelist and Next" }).click();
  await expect(page.getByText("All 2 nodes answered with the given credentials.")).toBeVisible({ timeout: 20_000 });
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(page.getByLabel("Selected: db0", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByRole("button", { name: "Precheck", exact: true }).click();

  // Without consent a refused PSYNC fails the precheck; the scan reader is offered, unticked.
  await expect(page.getByText(/The precheck failed/)).toBeVisible({ timeout: 30_000 });
  const psync = page.locator('[data-item="source_psync"]');
  await expect(psync).toHaveAttribute("data-status", "failed");
  const consent = page.getByTestId("source-reader-consent");
  await expect(consent).toContainText("The source refuses PSYNC");
  await expect(consent).toContainText("best effort: verify before switching");
  const box = consent.getByRole("checkbox", { name: /Use the scan reader when the source refuses PSYNC/ });
  await expect(box).not.toBeChecked();
  await expect(page.getByRole("button", { name: "Start Task" })).toBeDisabled();
  await shots(page, testInfo, "consent");

  // Consent: the precheck runs again, PSYNC is a warning that says why it is not used.
  await box.check();
  await expect(page.getByText("The precheck is passed.")).toBeVisible({ timeout: 30_000 });
  await expect(box).toBeChecked();
  await expect(psync).toHaveAttribute("data-status", "warning");
  await expect(page.locator('[data-item="source_notifications"]')).toHaveAttribute("data-status", "warning");
  await psync.getByRole("button", { name: /Details/ }).click();
  await expect(psync).toContainText("PSYNC is not used because the source refuses it");
  await page.getByRole("button", { name: "Start Task" }).click();
  await expect(page).toHaveURL(/\/tasks\/[^/?]+(\?|$)/);
  const id = new URL(page.url()).pathname.split("/")[2];
  const badge = page.locator("h1 ~ [data-state]");
  await expect(badge).toHaveText("Synchronizing", { timeout: 60_000 });

  // The label, for the whole life of the task, and the way to the verification.
  const notice = page.getByTestId("scan-reader-notice");
  await expect(notice).toContainText("Scan reader: best effort: verify before switching.");
  await waitFor(async () => (await dst.get("seed")) === "1", 15_000, "the seed key on the destination");
  await src.set("after", "yes");
  await src.del("seed");
  await waitFor(async () => (await dst.get("after")) === "yes" && (await dst.exists("seed")) === 0, 15_000, "writes after the copy followed");
  const api = await (await page.request.get(`/api/tasks/${id}/status`)).json();
  expect(api.sourceReader).toEqual({ configured: "auto", inUse: "scan", label: "best effort: verify before switching" });
  await shots(page, testInfo, "status");

  await notice.getByRole("button", { name: "Run a Data Verification before switching" }).click();
  await expect(page.getByRole("tab", { name: "Data Verification" })).toHaveAttribute("aria-selected", "true");
  await page.getByRole("button", { name: "Start Verification" }).click();
  const latest = page.getByRole("region", { name: "Latest verification" });
  await expect(latest.getByText("Consistent", { exact: true })).toBeVisible({ timeout: 60_000 });

  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await page.getByRole("dialog", { name: "Stop Task" }).getByRole("button", { name: "Stop Task" }).click();
  await expect(badge).toHaveText("Finished", { timeout: 30_000 });
  await expect(notice).toContainText("Scan reader: best effort: verify before switching.");
  await expect(notice.getByRole("button", { name: "Verify the data now" })).toBeVisible();
});
