import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Locator, type Page, type TestInfo } from "@playwright/test";
import type { Cluster } from "ioredis";
import { info, startCluster, stopAll, waitFor, type RedisClusterHandle } from "../server/testing/redis-harness";
import { expectAccessible } from "./axe";
import { signInAsAdmin } from "./helpers";

/**
 * The Configure Synchronization Channel wizard and the status page against real servers: a source
 * cluster (3 masters, 3 replicas, one shared password) and a destination cluster (3 masters, an ACL
 * user). Runs once, in the desktop project; every step is photographed at 1280×800 and at 390 px.
 */

const SOURCE_PASSWORD = "src-Secret-71";
const DEST_PASSWORD = "dst-Secret-29";

let source: RedisClusterHandle;
let destination: RedisClusterHandle;
let src: Cluster;
let dst: Cluster;

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({}, testInfo) => {
  testInfo.setTimeout(120_000);
  [source, destination] = await Promise.all([
    startCluster({ masters: 3, replicasPerMaster: 1, password: SOURCE_PASSWORD }),
    startCluster({ masters: 3, aclUsers: { dts: `on >${DEST_PASSWORD} ~* &* +@all` } }),
  ]);
  src = source.client();
  dst = destination.client();
});

test.afterAll(async () => {
  await stopAll();
});

/** test-results/screenshots/wizard-<name>-1280.png and -390.png, full page. */
async function shots(page: Page, testInfo: TestInfo, name: string) {
  const dir = path.join(testInfo.config.rootDir, "..", "test-results", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `wizard-${name}-1280.png`), fullPage: true });
  await expectAccessible(page, `wizard-${name}`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(dir, `wizard-${name}-390.png`), fullPage: true });
  await expectAccessible(page, `wizard-${name}`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function createTask(page: Page, name: string): Promise<string> {
  await signInAsAdmin(page);
  await page.getByRole("button", { name: "Create Task" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create Task" });
  await dialog.getByLabel("Synchronization Task Name").fill(name);
  await dialog.getByRole("button", { name: "Create" }).click();
  const row = page.getByRole("listitem", { name, exact: true });
  await expect(row).toBeVisible();
  const id = (await row.getAttribute("data-task-id"))!;
  await row.getByRole("link", { name: "Configure Synchronization Channel" }).click();
  await expect(page).toHaveURL(new RegExp(`/tasks/${id}/configure/instances$`));
  return id;
}

const group = (page: Page, name: string) => page.getByRole("group", { name, exact: true });

async function fillSide(side: Locator, v: { host: string; port: string; cluster: boolean; password?: string; region?: string }) {
  if (v.region !== undefined) await side.getByLabel("Instance Region").fill(v.region);
  await side.getByRole("radio", { name: v.cluster ? /^Cluster/ : /^Standalone/ }).check();
  await side.getByLabel("Host", { exact: true }).fill(v.host);
  await side.getByLabel("Port Number").fill(v.port);
  if (v.password !== undefined) await side.getByLabel("Database Password").fill(v.password);
}

test("step 1 refuses bad ports and empty hosts; step 2 blocks Next naming a node that cannot be reached", async ({ page }, testInfo) => {
  await createTask(page, `validation ${Date.now().toString(36)}`);
  const sourceSide = group(page, "Source Instance Details");
  const destSide = group(page, "Destination Instance Details");
  await fillSide(sourceSide, { host: "", port: "70000", cluster: true });
  await fillSide(destSide, { host: "   ", port: "abc", cluster: true });
  await page.getByRole("button", { name: "Set Whitelist and Next" }).click();
  await expect(sourceSide.getByText("Enter a port number between 1 and 65535.")).toBeVisible();
  await expect(sourceSide.getByText("Enter the host: an IP address or a host name this engine can reach.")).toBeVisible();
  await expect(destSide.getByText("The port is a whole number, e.g. 6379.")).toBeVisible();
  await expect(destSide.getByText("Enter the host: an IP address or a host name this engine can reach.")).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: "4 fields need attention" })).toBeVisible();
  await expect(page).toHaveURL(/\/configure\/instances$/);
  await shots(page, testInfo, "1-instances-errors");

  // A replica of the source cluster goes down: the cluster still lists it, the probe names it.
  const [replica] = await source.replicas();
  await replica.stop();
  try {
    await fillSide(sourceSide, { host: "127.0.0.1", port: String(source.nodes[0].port), cluster: true, password: SOURCE_PASSWORD });
    await fillSide(destSide, { host: "127.0.0.1", port: String(destination.nodes[0].port), cluster: true, password: `dts:${DEST_PASSWORD}` });
    await page.getByRole("button", { name: "Set Whitelist and Next" }).click();
    await expect(page).toHaveURL(/\/configure\/whitelist$/);
    const blocked = page.getByRole("alert").filter({ hasText: "Next is blocked" });
    await expect(blocked).toBeVisible({ timeout: 20_000 });
    await expect(blocked).toContainText(`Source node 127.0.0.1:${replica.port} (replica) cannot be used`);
    await expect(page.getByRole("button", { name: "Next", exact: true })).toBeDisabled();
    await shots(page, testInfo, "2-whitelist-blocked");
  } finally {
    await replica.restart();
  }
  await waitFor(async () => (await info(replica, "replication")).includes("master_link_status:up"), 30_000, "the replica back in sync");
  await page.getByRole("button", { name: "Probe Again" }).click();
  await expect(page.getByText("All 9 nodes answered with the given credentials.")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("button", { name: "Next", exact: true })).toBeEnabled();
});

test("a cluster-to-cluster task from the wizard to Synchronizing, live, with pause, resume and a verification", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  // Data already on the source (copied by the full synchronization) and a stray key on the destination.
  for (let i = 0; i < 200; i++) await src.set(`seed:${i}`, `value-${i}`);
  await src.hset("seed:hash", { a: "1", b: "2" });
  await dst.set("stale-key", "left over");

  const id = await createTask(page, `orders ${Date.now().toString(36)}`);

  // Step 1: Configure Source and Destination Instances.
  const nameField = page.getByLabel("Synchronization Task Name");
  await expect(nameField).toHaveValue(/^orders /);
  await nameField.fill(`orders cluster sync ${Date.now().toString(36)}`);
  const taskName = await nameField.inputValue();
  const sourceSide = group(page, "Source Instance Details");
  const destSide = group(page, "Destination Instance Details");
  await expect(sourceSide.getByRole("radio", { name: /^User-Created Database with a reachable host/ })).toBeChecked();
  await expect(sourceSide.getByText("Redis", { exact: true })).toBeVisible();
  await fillSide(sourceSide, { host: "127.0.0.1", port: String(source.nodes[1].port), cluster: true, password: SOURCE_PASSWORD, region: "site-a" });
  await fillSide(destSide, { host: "127.0.0.1", port: String(destination.nodes[0].port), cluster: true, password: `dts:${DEST_PASSWORD}`, region: "site-b" });
  await expect(destSide.getByText("<user>:<password>")).toBeVisible();
  await shots(page, testInfo, "1-instances");
  await page.getByRole("button", { name: "Set Whitelist and Next" }).click();

  // Step 2: Set Whitelist and Next. Every node of both clusters is probed.
  await expect(page).toHaveURL(/\/configure\/whitelist$/);
  await expect(page.getByText("All 9 nodes answered with the given credentials.")).toBeVisible({ timeout: 20_000 });
  const sourceNodes = page.getByRole("region", { name: "Source nodes" });
  await expect(sourceNodes.locator("[data-node]")).toHaveCount(6);
  await expect(sourceNodes.getByText("replica", { exact: true })).toHaveCount(3);
  await expect(page.getByRole("region", { name: "Destination nodes" }).locator("[data-node]")).toHaveCount(3);
  await expect(sourceNodes.getByText("127.0.0.1", { exact: true })).toBeVisible();
  await expect(sourceNodes.locator("pre").first()).toContainText("+psync +replconf");
  await expect(sourceNodes.locator("pre").first()).toContainText("~DTS_REDIS_TIMESTAMP_HEARTBEAT* +set");
  await expect(page.getByRole("region", { name: "Destination nodes" }).locator("pre")).toContainText("ACL SETUSER dts on >PASSWORD");
  // The page shows that a password is stored, never the password.
  expect(await page.content()).not.toContain(SOURCE_PASSWORD);
  await shots(page, testInfo, "2-whitelist");
  await page.getByRole("button", { name: "Next", exact: true }).click();

  // Step 3: processing mode of conflicting tables and the objects.
  await expect(page).toHaveURL(/\/configure\/objects$/);
  await expect(page.getByRole("radio", { name: /^Pre-check and Intercept/ })).toBeChecked();
  await page.getByRole("radio", { name: /^Ignore/ }).check();
  await expect(page.getByText("the data records in the source database overwrite the data records that have the same keys")).toBeVisible();
  await page.getByRole("radio", { name: /^Pre-check and Intercept/ }).check();
  // A source cluster offers db0 only; it moves between the lists both ways.
  await page.getByLabel("Selected: db0", { exact: true }).check();
  await page.getByRole("button", { name: /Remove/ }).click();
  await expect(page.getByLabel("Available: db0", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Move at least one database to the Selected list." })).toBeVisible();
  await page.getByLabel("Available: db0", { exact: true }).check();
  await page.getByRole("button", { name: /Add to Selected/ }).click();
  await expect(page.getByLabel("Selected: db0", { exact: true })).toBeVisible();
  await expect(page.getByLabel("Destination database for db0", { exact: true })).toBeDisabled();
  await expect(page.getByLabel("Destination database for db0", { exact: true })).toHaveValue("0");
  await shots(page, testInfo, "3-objects");
  await page.getByRole("button", { name: "Next", exact: true }).click();

  // A reload keeps what was saved: step 4 is where the wizard reopens.
  await expect(page).toHaveURL(/\/configure\/initial-sync$/);
  await page.goto(`/tasks/${id}/configure`);
  await expect(page).toHaveURL(/\/configure\/initial-sync$/);

  // Step 4: initial synchronization.
  await expect(page.getByRole("radio", { name: /^Include full data \+ incremental data/ })).toBeChecked();
  await page.getByRole("radio", { name: /^Incremental data only/ }).check();
  await expect(page.getByText("The risk of incremental data only")).toBeVisible();
  // what a refused or inexact write does: pause by default; this task skips and records
  const onInexact = page.getByRole("group", { name: "When a write is refused or cannot be applied exactly" });
  await expect(onInexact.getByRole("radio", { name: /^Pause the task \(recommended\)/ })).toBeChecked();
  await onInexact.getByRole("radio", { name: /^Skip it and record its keys for Data Verification/ }).check();
  await shots(page, testInfo, "4-initial-sync");
  await page.getByRole("radio", { name: /^Include full data \+ incremental data/ }).check();
  await page.getByRole("button", { name: "Precheck", exact: true }).click();

  // Step 5: the destination is not empty under Pre-check and Intercept.
  await expect(page).toHaveURL(/\/configure\/precheck$/);
  await expect(page.getByText(/The precheck failed: one item failed/)).toBeVisible({ timeout: 30_000 });
  const conflict = page.locator('[data-item="conflict"]');
  await expect(conflict).toHaveAttribute("data-status", "failed");
  await conflict.getByRole("button", { name: "Details" }).click();
  await expect(conflict).toContainText("the destination is not empty: db0 has 1 key");
  await expect(conflict).toContainText("FLUSHDB");
  await expect(page.getByRole("button", { name: "Start Task" })).toBeDisabled();
  await shots(page, testInfo, "5-precheck-failed");

  // Fix it, Precheck Again, start.
  await dst.del("stale-key");
  await page.getByRole("button", { name: "Precheck Again" }).click();
  await expect(page.getByText("The precheck is passed.")).toBeVisible({ timeout: 30_000 });
  await expect(conflict).toHaveAttribute("data-status", "passed");
  await shots(page, testInfo, "5-precheck-passed");
  await page.getByRole("button", { name: "Start Task" }).click();

  // The status page: Initializing, then Synchronizing with the seeded data on the destination.
  await expect(page).toHaveURL(new RegExp(`/tasks/${id}(\\?|$)`));
  await expect(page.getByRole("heading", { name: taskName })).toBeVisible();
  const badge = page.locator("h1 ~ [data-state]");
  await expect(badge).toHaveText("Synchronizing", { timeout: 60_000 });
  await waitFor(async () => (await dst.get("seed:199")) === "value-199" && (await dst.hget("seed:hash", "b")) === "2", 10_000, "the seeded keys on the destination");

  // New writes on the source reach the destination; latency shows.
  for (let i = 0; i < 50; i++) await src.set(`live:${i}`, `v${i}`);
  await waitFor(async () => (await dst.get("live:49")) === "v49", 15_000, "live writes on the destination");
  await expect(page.getByTestId("latency")).toContainText(/\d+ ms/, { timeout: 15_000 });
  await expect(page.getByRole("region", { name: "Shards" }).locator("tbody tr")).toHaveCount(3);
  // nothing refused or applied inexactly, and the figures say so
  const diverged = page.getByRole("region", { name: "Writes refused / applied inexactly" });
  await expect(diverged.getByTestId("divergence-refused")).toContainText("0");
  await expect(diverged.getByTestId("divergence-inexact")).toContainText("0");
  await expect(diverged).toContainText("Skip it and record its keys");
  await expect(page.getByRole("progressbar", { name: "Full data synchronization" })).toHaveAttribute("aria-valuenow", "100");
  await shots(page, testInfo, "6-status-synchronizing");

  // Events: filterable by level.
  await page.getByRole("tab", { name: "Events" }).click();
  await page.getByRole("button", { name: "Error", exact: true }).click();
  await expect(page.locator("[data-level]").first()).toHaveAttribute("data-level", "error");
  await expect(page.getByText(/Precheck failed: Conflicting keys in the destination/).first()).toBeVisible();
  await page.getByRole("button", { name: "All", exact: true }).click();
  await expect(page.getByText("Started by admin.")).toBeVisible();
  await shots(page, testInfo, "7-events");

  // Configuration: masked.
  await page.getByRole("tab", { name: "Configuration" }).click();
  await expect(page.getByText("set (not shown)")).toHaveCount(2);
  await expect(page.getByText("dts", { exact: true })).toBeVisible();
  await expect(page.getByText("Skip it and record its keys for Data Verification")).toBeVisible();
  const everything = (await page.content()) + (await (await page.request.get(`/api/tasks/${id}/status`)).text()) + (await (await page.request.get(`/api/tasks/${id}/precheck`)).text());
  expect(everything).not.toContain(SOURCE_PASSWORD);
  expect(everything).not.toContain(DEST_PASSWORD);
  // the task's alerts: a webhook for its rules
  await page.getByLabel("Webhook URL").fill("https://hooks.example.com/redis-dts");
  await page.getByRole("button", { name: "Save alerts" }).click();
  await expect(page.getByTestId("alerts-card").getByRole("status")).toHaveText("Saved.");
  await shots(page, testInfo, "8-configuration");

  // Data Verification: equal while synchronizing.
  await page.getByRole("tab", { name: "Data Verification" }).click();
  await page.getByRole("button", { name: "Start Verification" }).click();
  const latest = page.getByRole("region", { name: "Latest verification" });
  await expect(latest.getByText("Consistent")).toBeVisible({ timeout: 60_000 });
  await expect(latest).toContainText("Source and destination hold the same data");
  await shots(page, testInfo, "9-verification");

  // Pause and resume: writes made while paused arrive after Resume.
  await page.getByRole("tab", { name: "Overview" }).click();
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(badge).toHaveText("Paused", { timeout: 30_000 });
  await src.set("while-paused", "yes");
  await page.waitForTimeout(1000);
  expect(await dst.get("while-paused")).toBeNull();
  await shots(page, testInfo, "10-paused");
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(badge).toHaveText("Synchronizing", { timeout: 30_000 });
  await waitFor(async () => (await dst.get("while-paused")) === "yes", 20_000, "the write made while paused");

  // The task list shows the same state and a latency.
  await page.getByRole("link", { name: "← Synchronization Tasks" }).click();
  const row = page.getByRole("listitem", { name: taskName, exact: true });
  await expect(row.locator("[data-state]:visible")).toHaveText("Synchronizing");
  await expect(row).toContainText(/\d+ ms/, { timeout: 15_000 });

  // Stop ends it: Finished.
  await row.getByRole("link", { name: "View" }).click();
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await page.getByRole("dialog", { name: "Stop Task" }).getByRole("button", { name: "Stop Task" }).click();
  await expect(badge).toHaveText("Finished", { timeout: 30_000 });
});
