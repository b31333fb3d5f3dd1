import { expect, test } from "@playwright/test";
import { signInAsAdmin, snap } from "./helpers";

test("a new operator is sent to sign in and then told what to do", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in\?next=%2F$/);
  await expect(page.getByRole("heading", { name: "Sign in to the console" })).toBeVisible();
  await snap(page, testInfo, "sign-in-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, testInfo, "sign-in-390");
  await page.setViewportSize({ width: 1280, height: 800 });

  await signInAsAdmin(page);
  await expect(page.getByRole("heading", { name: "No synchronization tasks yet" })).toBeVisible();
  await expect(page.getByText("Configure Synchronization Channel").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Create Task" })).toHaveCount(2);
  await snap(page, testInfo, "empty-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, testInfo, "empty-390");
});
