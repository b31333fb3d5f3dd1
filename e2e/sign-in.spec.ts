import { expect, test } from "@playwright/test";
import { expectAccessible } from "./axe";
import { ADMIN_PASSWORD, signIn, signInAsAdmin } from "./helpers";

test("a wrong password is refused", async ({ page }) => {
  await signIn(page, `${ADMIN_PASSWORD}-wrong`);
  await expect(page.getByRole("alert").filter({ hasText: "incorrect" })).toHaveText("The username or password is incorrect.");
  await expectAccessible(page, "sign-in with an error");
  await expect(page).toHaveURL(/\/sign-in/);
  expect((await page.context().cookies()).find((c) => c.name === "redis_dts_session")).toBeUndefined();
  // Nothing behind the sign-in page answers without a session.
  const api = await page.request.get("/api/tasks");
  expect(api.status()).toBe(401);
});

test("signing in sets an httpOnly, SameSite=Lax session cookie, and signing out ends the session", async ({ page }) => {
  await signInAsAdmin(page);
  const cookie = (await page.context().cookies()).find((c) => c.name === "redis_dts_session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
  await expect(page.getByRole("banner")).toContainText("admin");

  await page.getByRole("button", { name: "Sign Out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  // The old token no longer opens anything, even if a copy of the cookie survived.
  await page.context().addCookies([{ ...cookie!, expires: -1 }]);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  expect((await page.request.get("/api/tasks")).status()).toBe(401);
});

test("after signing in the operator lands where they were going", async ({ page }) => {
  await page.goto("/?region=nowhere");
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign In" }).click();
  await expect(page).toHaveURL(/\/\?region=nowhere$/);
  await expect(page.getByRole("heading", { name: "No tasks in region “nowhere”" })).toBeVisible();
  await expectAccessible(page, "an empty region");
});
