import { expect, test } from "@playwright/test";
import { startRedis, stopAll, waitFor, type RedisNode } from "../server/testing/redis-harness";
import { signInAsAdmin, snap } from "./helpers";

/**
 * Issue 17 from the console: the objects step's key filter with its preview on a sample of the
 * source ("N of M sampled keys match", a warning for a pattern that matches none), the initial
 * synchronization step's speed limits (a limit of 0 is a form error), and a limit changed from the
 * status page while the task runs: the status says the task is throttled, the change reaches the
 * engine (its event) and the held-back writes arrive.
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

test("key filter preview in the wizard, and a speed limit changed from the status page", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const name = `filtered ${Date.now().toString(36)}`;
  const src = source.client();
  const dst = destination.client();
  const p = src.pipeline();
  for (let i = 0; i < 30; i++) p.set(`user:${i}`, String(i));
  for (let i = 0; i < 70; i++) p.set(`cache:${i}`, String(i));
  await p.exec();

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

  // Step 3: the key filter and its preview on a sample of the source.
  await page.getByLabel("Include patterns").fill("user:*");
  await page.getByLabel("Exclude patterns").fill("nomatch:*");
  await page.getByRole("button", { name: "Preview matching keys" }).click();
  await expect(page.getByTestId("key-filter-preview")).toHaveText("30 of 100 sampled keys match.");
  await expect(page.getByRole("note").filter({ hasText: "Exclude nomatch:* matches none of 100 sampled keys" })).toBeVisible();
  await snap(page, testInfo, "key-filter-preview");
  // a line of spaces is an empty pattern: a form error, nothing sent
  await page.getByLabel("Exclude patterns").fill("  ");
  await expect(page.getByRole("alert").filter({ hasText: "A key pattern cannot be empty" }).first()).toBeVisible();
  await page.getByLabel("Exclude patterns").fill("");
  await page.getByRole("button", { name: "Next", exact: true }).click();

  // Step 4: a limit of 0 is refused by the form; 50 commands/s is kept.
  const cmds = page.getByLabel("Incremental: commands per second");
  await page.getByLabel("Full synchronization: keys per second").fill("0");
  await page.getByRole("button", { name: "Precheck", exact: true }).click();
  await expect(page.getByText("A limit must be above 0 (leave it empty for no limit).")).toBeVisible();
  await page.getByLabel("Full synchronization: keys per second").fill("");
  await cmds.fill("50");
  await page.getByRole("button", { name: "Precheck", exact: true }).click();
  await expect(page.getByText("The precheck is passed.")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Start Task" }).click();
  await expect(page).toHaveURL(/\/tasks\/[^/?]+(\?|$)/);
  const badge = page.locator("h1 ~ [data-state]");
  await expect(badge).toHaveText("Synchronizing", { timeout: 60_000 });

  // Only the included keys arrived.
  await waitFor(async () => (await dst.get("user:29")) === "29", 15_000, "the included keys on the destination");
  expect(await dst.exists("cache:0")).toBe(0);

  // 600 writes at 50 commands/s: the status says the limit holds the engine back.
  const card = page.getByTestId("speed-limits");
  await expect(card.getByTestId("speed-limits-current")).toHaveText("50 commands/s");
  const w = src.pipeline();
  for (let i = 0; i < 600; i++) w.set(`user:w:${i}`, "x");
  await w.exec();
  await expect(card.getByTestId("throttled")).toContainText("Throttled by limit: 50 commands/s", { timeout: 15_000 });
  expect(await dst.exists("user:w:599")).toBe(0);
  await snap(page, testInfo, "throttled");

  // Raised from the status page: the running engine takes it within a second and the rest arrives.
  await card.getByRole("button", { name: "Change" }).click();
  await card.getByLabel("Incremental: commands per second").fill("-3");
  await card.getByRole("button", { name: "Save limits" }).click();
  await expect(card.getByText("A limit must be above 0 (leave it empty for no limit).")).toBeVisible();
  await card.getByLabel("Incremental: commands per second").fill("100000");
  await card.getByRole("button", { name: "Save limits" }).click();
  await expect(card.getByTestId("speed-limits-current")).toHaveText("100000 commands/s");
  await waitFor(async () => (await dst.get("user:w:599")) === "x", 10_000, "the held-back writes after the limit was raised");
  await expect(card.getByTestId("throttled")).toHaveCount(0, { timeout: 10_000 });
  await page.getByRole("tab", { name: "Events" }).click();
  await expect(page.getByText("speed limit changed to 100000 commands/s (was 50 commands/s)").first()).toBeVisible({ timeout: 15_000 });
  await page.getByRole("tab", { name: "Overview" }).click();
});
