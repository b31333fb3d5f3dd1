import { expect, test, type Locator, type Page } from "@playwright/test";
import { signInAsAdmin, uniqueName } from "./helpers";

/** Tab and Shift+Tab a full round from where focus is: it never leaves the dialog. */
async function expectFocusTrapped(page: Page, dialog: Locator) {
  const stops = await dialog.evaluate((el) => el.querySelectorAll("input, button:not([disabled]), a[href], [tabindex='0']").length);
  for (const key of ["Tab", "Shift+Tab"]) {
    for (let i = 0; i < stops + 1; i++) {
      await page.keyboard.press(key);
      expect(await dialog.evaluate((el) => el.contains(document.activeElement)), `focus inside the dialog after ${key} #${i + 1}`).toBe(true);
    }
  }
}

test.beforeEach(async ({ page }) => {
  await signInAsAdmin(page);
});

test("a dialog takes focus, keeps it on Tab, closes on Escape and gives focus back to its button", async ({ page }, testInfo) => {
  const opener = page.getByRole("button", { name: "Create Task" }).first();
  await opener.click();
  const create = page.getByRole("dialog", { name: "Create Task" });
  const nameField = create.getByLabel("Synchronization Task Name");
  await expect(nameField).toBeFocused();
  await expectFocusTrapped(page, create);
  await page.keyboard.press("Escape");
  await expect(create).toBeHidden();
  await expect(opener).toBeFocused();

  // Cancel closes too, and also gives focus back.
  await opener.click();
  await create.getByRole("button", { name: "Cancel" }).click();
  await expect(create).toBeHidden();
  await expect(opener).toBeFocused();

  // A confirmation starts on its safe choice; Escape deletes nothing.
  const name = uniqueName(testInfo, "dialog focus");
  await opener.click();
  await nameField.fill(name);
  await create.getByRole("button", { name: "Create" }).click();
  const row = page.getByRole("listitem", { name, exact: true });
  const deleteButton = row.getByRole("button", { name: "Delete" });
  await deleteButton.click();
  const confirm = page.getByRole("dialog", { name: "Delete Task" });
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expectFocusTrapped(page, confirm);
  await page.keyboard.press("Escape");
  await expect(confirm).toBeHidden();
  await expect(deleteButton).toBeFocused();

  // Keyboard only: Enter on the focused Delete opens the dialog again; Delete Task removes the row.
  await page.keyboard.press("Enter");
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Delete Task" }).click();
  // (the list behind an open modal has no list items for getByRole: the dialog must close first)
  await expect(confirm).toBeHidden({ timeout: 20_000 });
  await expect(row).toHaveCount(0);
});
