import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { startRedis, stopAll, waitFor, type RedisNode } from "../server/testing/redis-harness";
import { signInAsAdmin } from "./helpers";

/**
 * Nothing diverges silently, seen from the console: a real task (standalone → standalone) under the
 * default policy is paused by a write the destination refuses (INCR on a key that holds a list
 * there). The status page says why and what to do, counts the refused write and names its key;
 * once the key is removed on the destination, Resume applies the write and the task synchronizes
 * again; Data Verification checks the recorded key first.
 */

let source: RedisNode;
let destination: RedisNode;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  [source, destination] = await Promise.all([startRedis(), startRedis()]);
});

test.afterAll(async () => {
  await stopAll();
});

async function shots(page: Page, testInfo: TestInfo, name: string) {
  const dir = path.join(testInfo.config.rootDir, "..", "test-results", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `divergence-${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(dir, `divergence-${name}-390.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("a refused write pauses the task with the reason and its key; fixed on the destination, Resume synchronizes again", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const name = `refused write ${Date.now().toString(36)}`;
  const src = source.client();
  const dst = destination.client();
  await src.set("seed", "1");

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

  // Step 4: pausing at the write is the default.
  const policy = page.getByRole("group", { name: "When a write is refused or cannot be applied exactly" });
  await expect(policy.getByRole("radio", { name: /^Pause the task \(recommended\)/ })).toBeChecked();
  await page.getByRole("button", { name: "Precheck", exact: true }).click();
  await expect(page.getByText("The precheck is passed.")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Start Task" }).click();
  await expect(page).toHaveURL(/\/tasks\/[^/?]+(\?|$)/);
  const id = new URL(page.url()).pathname.split("/")[2];
  const badge = page.locator("h1 ~ [data-state]");
  await expect(badge).toHaveText("Synchronizing", { timeout: 60_000 });
  await waitFor(async () => (await dst.get("seed")) === "1", 15_000, "the seed key on the destination");

  // Zero is shown as zero: the rule is watched.
  const card = page.getByRole("region", { name: "Writes refused / applied inexactly" });
  await expect(card.getByTestId("divergence-refused")).toContainText("0");
  await expect(card.getByTestId("divergence-inexact")).toContainText("0");
  await expect(card).toContainText("Pause the task at that write");

  // The destination holds a list where the source increments a counter: WRONGTYPE.
  await dst.rpush("x", "a");
  await src.incr("x");
  await expect(badge).toHaveText("Paused", { timeout: 30_000 });
  const pause = page.getByTestId("divergence-pause");
  await expect(pause).toContainText("INCR x");
  await expect(pause).toContainText("WRONGTYPE");
  await expect(pause).toContainText("fix the cause on the destination");
  await expect(pause).toContainText("Resume");
  await expect(card.getByTestId("divergence-refused")).toContainText("1");
  const row = card.getByRole("row").filter({ has: page.getByRole("cell", { name: "x", exact: true }) });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Refused");
  await expect(row).toContainText("INCR");
  await expect(row).toContainText("db0");
  await expect(row).toContainText("WRONGTYPE");
  await expect(row).toContainText(`127.0.0.1:${source.port}`);

  // The status API carries the same figures.
  const api = await (await page.request.get(`/api/tasks/${id}/status`)).json();
  expect(api.state).toBe("paused");
  expect(api.errorCode).toBe("DIVERGENCE");
  expect(api.divergence).toMatchObject({ policy: "pause", refused: 1, inexact: 0, pausedBy: expect.stringContaining("INCR x") });
  expect(api.divergence.keys).toHaveLength(1);
  expect(api.divergence.keys[0]).toMatchObject({ kind: "refused", command: "INCR", key: "x", db: 0 });
  expect(api.engine.live.divergence).toMatchObject({ refused: 1, haltedBy: expect.stringContaining("INCR x") });
  await shots(page, testInfo, "paused");

  // The events name it too.
  await page.getByRole("tab", { name: "Events" }).click();
  await expect(page.getByText(/the destination refused INCR x/).first()).toBeVisible();
  await page.getByRole("tab", { name: "Overview" }).click();

  // Fixed on the destination, Resume applies the refused write and the task goes on.
  await dst.del("x");
  await page.getByRole("button", { name: "Resume", exact: true }).click();
  await expect(badge).toHaveText("Synchronizing", { timeout: 30_000 });
  await expect(pause).toHaveCount(0);
  await waitFor(async () => (await dst.get("x")) === "1", 15_000, "the refused INCR applied after Resume");
  await src.set("after-resume", "yes");
  await waitFor(async () => (await dst.get("after-resume")) === "yes", 15_000, "a write after Resume");
  const resumed = await (await page.request.get(`/api/tasks/${id}/status`)).json();
  expect(resumed).toMatchObject({ state: "synchronizing", error: null, errorCode: null });
  // the record stays for Data Verification
  await expect(card.getByTestId("divergence-recorded")).toContainText("1");

  // Another refusal; this time the operator switches to "skip and record" from the notice.
  await dst.rpush("y", "a");
  await src.incr("y");
  await expect(badge).toHaveText("Paused", { timeout: 30_000 });
  await expect(pause).toContainText("INCR y");
  await pause.getByRole("button", { name: "Skip and record, then Resume" }).click();
  await expect(badge).toHaveText("Synchronizing", { timeout: 30_000 });
  await expect(pause).toHaveCount(0);
  await src.set("after-skip", "yes");
  await waitFor(async () => (await dst.get("after-skip")) === "yes", 15_000, "a write after the skipped one");
  expect(await dst.type("y")).toBe("list");
  await expect(card).toContainText("Skip it and record its keys");
  await expect(card.getByTestId("divergence-recorded")).toContainText("2");
  await page.getByRole("tab", { name: "Configuration" }).click();
  await expect(page.getByText("Skip it and record its keys for Data Verification")).toBeVisible();

  // Data Verification checks the recorded keys first: x is equal now, y still differs.
  await page.getByRole("tab", { name: "Data Verification" }).click();
  await page.getByRole("button", { name: "Start Verification" }).click();
  const latest = page.getByRole("region", { name: "Latest verification" });
  await expect(latest.getByText("Differences found")).toBeVisible({ timeout: 60_000 });
  const recorded = latest.getByTestId("recorded-divergences");
  await expect(recorded).toHaveText("Recorded divergences: 2 checked, 1 still different, 1 now equal");
  await expect(latest.getByRole("group", { name: "Recorded divergences" })).toContainText("y (db0): different type");
  await shots(page, testInfo, "verified");

  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await page.getByRole("dialog", { name: "Stop Task" }).getByRole("button", { name: "Stop Task" }).click();
  await expect(badge).toHaveText("Finished", { timeout: 30_000 });
});
