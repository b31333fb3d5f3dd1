import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./axe";
import { runSql, signInAsAdmin, snap, uniqueName } from "./helpers";

const row = (page: Page, name: string) => page.getByRole("listitem", { name, exact: true });

test.beforeEach(async ({ page }) => {
  await signInAsAdmin(page);
});

test("create a task, see it in the list, rename it, view it, delete it", async ({ page }, testInfo) => {
  const region = `e2e-${testInfo.project.name}`;
  const name = uniqueName(testInfo, "orders cache");

  await page.getByRole("button", { name: "Create Task" }).first().click();
  const create = page.getByRole("dialog", { name: "Create Task" });
  const nameField = create.getByLabel("Synchronization Task Name");
  await expect(nameField).toHaveValue(/^redis-sync-\d{8}-[0-9a-f]{6}$/);
  await snap(page, testInfo, "create-dialog");
  await nameField.fill(name);
  await create.getByLabel("Region label").fill(region);
  await create.getByRole("button", { name: "Create" }).click();
  await expect(create).toBeHidden();

  const created = row(page, name);
  await expect(created).toBeVisible();
  await expect(created.locator("[data-state]:visible")).toHaveText("Not Started");
  await expect(created).toContainText("Not configured yet");
  const taskId = await created.getAttribute("data-task-id");
  expect(taskId).toBeTruthy();
  await expect(created.getByRole("link", { name: "Configure Synchronization Channel" })).toHaveAttribute("href", `/tasks/${taskId}/configure`);
  await expect(page.getByRole("link", { name: new RegExp(`^${region}`) })).toBeVisible();

  // The region tab shows only that region's tasks.
  await page.getByRole("link", { name: new RegExp(`^${region}`) }).click();
  await expect(page).toHaveURL(new RegExp(`region=${region}`));
  await expect(page.getByRole("listitem").filter({ has: page.getByTestId("task-name") })).toHaveCount(1);
  await snap(page, testInfo, "list");

  // Rename: an empty name is refused with a field message, a new one is saved.
  await created.getByRole("button", { name: "Rename" }).click();
  const rename = page.getByRole("dialog", { name: "Rename Task" });
  await rename.getByLabel("Synchronization Task Name").fill("   ");
  await rename.getByRole("button", { name: "Save" }).click();
  await expect(rename.getByText("Enter a task name.")).toBeVisible();
  await expectAccessible(page, "the rename dialog with a field error");
  const renamed = `${name} (renamed)`;
  await rename.getByLabel("Synchronization Task Name").fill(renamed);
  await rename.getByRole("button", { name: "Save" }).click();
  await expect(rename).toBeHidden();
  await expect(row(page, renamed)).toBeVisible();
  await expect(row(page, name)).toHaveCount(0);

  await row(page, renamed).getByRole("link", { name: "View" }).click();
  await expect(page.getByRole("heading", { name: renamed })).toBeVisible();
  await expect(page.getByText("Task created by admin.")).toBeVisible();
  await snap(page, testInfo, "view");
  await page.getByRole("link", { name: "← Synchronization Tasks" }).click();

  await row(page, renamed).getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete Task" });
  await expect(confirm).toContainText(renamed);
  await snap(page, testInfo, "delete-dialog");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(row(page, renamed)).toBeVisible();
  await row(page, renamed).getByRole("button", { name: "Delete" }).click();
  await confirm.getByRole("button", { name: "Delete Task" }).click();
  // the dialog closes once the task is deleted; while it is open the list behind it is inert and
  // holds no list item for getByRole, so the count below alone passed before the delete was done
  await expect(confirm).toBeHidden({ timeout: 20_000 });
  await expect(row(page, renamed)).toHaveCount(0);
  await page.goto(`/tasks/${taskId}`);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expectAccessible(page, "a task that is not found");
});

test("a synchronizing task can be paused and resumed, live", async ({ page }, testInfo) => {
  const name = uniqueName(testInfo, "sessions");
  await page.getByRole("button", { name: "Create Task" }).first().click();
  const create = page.getByRole("dialog", { name: "Create Task" });
  await create.getByLabel("Synchronization Task Name").fill(name);
  await create.getByRole("button", { name: "Create" }).click();
  const task = row(page, name);
  await expect(task).toBeVisible();
  const id = (await task.getAttribute("data-task-id"))!;

  // What the engine would do: configure endpoints, reach Synchronizing, report a latency.
  const now = new Date();
  const endpoint = `INSERT INTO "Endpoint" ("id", "taskId", "role", "host", "port", "mode", "passwordEncrypted", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  const stamp = process.env.E2E_DATABASE_URL ? now : now.toISOString();
  await runSql([
    [`UPDATE "Task" SET "state" = 'synchronizing' WHERE "id" = ?`, [id]],
    [endpoint, [`${id}-s`, id, "source", "127.0.0.1", 1, "cluster", "v1.secret-marker", stamp, stamp]],
    [endpoint, [`${id}-d`, id, "destination", "127.0.0.1", 2, "standalone", null, stamp, stamp]],
    [`INSERT INTO "MetricSample" ("taskId", "time", "opsPerSec", "latencyMs", "keys", "bytes", "lagBytes") VALUES (?, ?, 100, 42, 0, 0, 0)`, [id, stamp]],
  ]);
  // No reload: the list polls.
  await expect(task.locator("[data-state]:visible")).toHaveText("Synchronizing", { timeout: 15_000 });
  await expect(task).toContainText("127.0.0.1:1 (Cluster)");
  await expect(task).toContainText("→ 127.0.0.1:2 (Standalone)");
  await expect(task).toContainText("42 ms");
  await expect(task.getByRole("link", { name: "Configure Synchronization Channel" })).toHaveCount(0);
  await snap(page, testInfo, "list-synchronizing");

  // Stored passwords never reach the browser.
  const body = await (await page.request.get("/api/tasks")).text();
  expect(body).toContain(name);
  expect(body).not.toContain("secret-marker");
  expect(body).not.toContain("passwordEncrypted");

  await task.getByRole("button", { name: "Pause" }).click();
  await expect(task.locator("[data-state]:visible")).toHaveText("Paused");
  await task.getByRole("button", { name: "Resume" }).click();
  // Resuming hands the task back to the engine, which cannot reach the seeded addresses: the task
  // leaves Paused (Initializing, then Failed with the reason) and the log says who resumed it.
  await expect(task.locator("[data-state]:visible")).not.toHaveText("Paused");
  await expect(task.locator("[data-state]:visible")).toHaveText(/Initializing|Synchronizing|Failed/);
  await task.getByRole("link", { name: "View" }).click();
  await expect(page.getByText("Resumed by admin.")).toBeVisible();
  await expect(page.getByText("Paused by admin.")).toBeVisible();
});
