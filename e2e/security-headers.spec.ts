import { expect, test, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, querySql, runSql, signInAsAdmin } from "./helpers";

/**
 * Findings 2 and 3 of issue 13: every page and route carries the security headers, scripts run only
 * with the response's nonce (the pages still work), and no return path leaves the console.
 */

function expectSecurityHeaders(response: { headers(): Record<string, string> } | null, what: string, kind: "page" | "api" | "static" = "page") {
  expect(response, what).not.toBeNull();
  const h = response!.headers();
  expect(h["x-content-type-options"], what).toBe("nosniff");
  expect(h["referrer-policy"], what).toBe("no-referrer");
  expect(h["x-frame-options"], what).toBe("DENY");
  expect(h["permissions-policy"], what).toContain("camera=()");
  // plain HTTP here: no HSTS, and no Secure-only promises
  expect(h["strict-transport-security"], what).toBeUndefined();
  if (kind === "static") return;
  const csp = h["content-security-policy"] ?? "";
  expect(csp, what).toContain("frame-ancestors 'none'");
  if (kind === "page") {
    expect(csp, what).toContain("object-src 'none'");
    expect(csp, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(csp, what).not.toContain("unsafe-inline' 'strict");
  } else expect(csp, what).toContain("default-src 'none'");
}

/**
 * Every <script> the server wrote carries this response's nonce. (Scripts Next adds later are allowed
 * by 'strict-dynamic'; a blocked one shows as a console violation, which the tests also watch.)
 */
async function expectScriptsNonced(response: { text(): Promise<string>; headers(): Record<string, string> } | null, what: string) {
  const html = (await response?.text()) ?? "";
  const nonce = /'nonce-([^']+)'/.exec(response?.headers()["content-security-policy"] ?? "")?.[1];
  const tags = html.match(/<script\b[^>]*>/g) ?? [];
  expect(tags.length, what).toBeGreaterThan(0);
  expect(tags.filter((t) => !t.includes(`nonce="${nonce}"`)), what).toEqual([]);
}

test("signed out: the sign-in page, redirects, API and static files carry the headers", async ({ page, request }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const signInPage = await page.goto("/sign-in");
  expectSecurityHeaders(signInPage, "/sign-in");
  await expectScriptsNonced(signInPage, "/sign-in");
  expectSecurityHeaders(await request.get("/", { maxRedirects: 0 }), "/ (redirect)");
  expectSecurityHeaders(await request.get("/api/tasks"), "/api/tasks", "api");
  const asset = await page.evaluate(() => (document.querySelector("script[src]") as HTMLScriptElement | null)?.src ?? "");
  expect(asset).toContain("/_next/static/");
  expectSecurityHeaders(await request.get(asset), "a static script", "static");
  // two loads, two nonces
  const a = (await request.get("/sign-in")).headers()["content-security-policy"];
  const b = (await request.get("/sign-in")).headers()["content-security-policy"];
  expect(a).not.toBe(b);
  // the page works under its policy: the form validates on the client
  await page.getByRole("button", { name: "Sign In" }).click();
  await expect(page.getByText("Enter the username.").or(page.getByText("Enter the password.")).first()).toBeVisible();
  expect(violations).toEqual([]);
});

test("signed in: every console page carries the headers and runs under its nonce", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await signInAsAdmin(page);
  const id = `csp${Date.now().toString(36)}`;
  const now = process.env.E2E_DATABASE_URL ? new Date() : new Date().toISOString();
  await runSql([[`INSERT INTO "Task" ("id", "name", "wizardStep", "createdAt", "updatedAt") VALUES (?, ?, 5, ?, ?)`, [id, `headers ${id}`, now, now]]]);
  const paths = ["/", "/?region=default", `/tasks/${id}`, ...["instances", "whitelist", "objects", "initial-sync", "precheck"].map((s) => `/tasks/${id}/configure/${s}`), "/no-such-page", "/tasks/no-such-task"];
  for (const path of paths) {
    const response = await page.goto(path);
    expectSecurityHeaders(response, path);
    await expectScriptsNonced(response, path);
  }
  for (const api of ["/api/tasks", `/api/tasks/${id}/status`, `/api/tasks/${id}/events`, `/api/tasks/${id}/metrics`, `/api/tasks/${id}/precheck`, `/api/tasks/${id}/verifications`]) {
    expectSecurityHeaders(await page.request.get(api), api, "api");
  }
  // client navigation still works (the router's scripts ran)
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Synchronization Tasks", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Create Task" }).first().click();
  await expect(page.getByRole("dialog", { name: "Create Task" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("the console refuses to be framed", async ({ page }) => {
  await page.goto("/sign-in");
  const origin = new URL(page.url()).origin;
  await page.setContent(`<iframe id="f" src="${origin}/sign-in"></iframe>`);
  await page.waitForTimeout(500);
  const framed = page.frames().find((f) => f.url().includes("/sign-in"));
  // a blocked frame never loads the sign-in form
  const inputs = framed ? await framed.locator("input").count().catch(() => 0) : 0;
  expect(inputs).toBe(0);
});

for (const next of ["/%09/evil.example/x", "/%0A/evil.example", "/%5Cevil.example", "%2F%2Fevil.example", "https://evil.example/x", "//evil.example"]) {
  test(`a return path ${next} stays on the console`, async ({ page }) => {
    await page.goto(`/sign-in?next=${next}`);
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign In" }).click();
    await expect(page.getByRole("heading", { name: "Synchronization Tasks", exact: true })).toBeVisible();
    const origin = new URL(page.url()).origin;
    expect(origin).not.toContain("evil");
    // signed in, the sign-in page sends the operator on at once: still on the console
    await page.goto(`/sign-in?next=${next}`);
    await expect(page.getByRole("heading", { name: "Synchronization Tasks", exact: true })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(origin);
  });
}

test("a client's own X-Forwarded-For does not dodge the sign-in throttle (no TRUST_PROXY)", async ({ page }, testInfo) => {
  // A username of its own per project. Failures also count toward 127.0.0.1 as a whole: both projects'
  // two here and the wrong-password spec's one make 6, under the 9 an address gets before it slows.
  const username = `nobody-xff-${testInfo.project.name}-${Date.now().toString(36)}`;
  for (let i = 0; i < 2; i++) {
    await page.setExtraHTTPHeaders({ "x-forwarded-for": `198.51.100.${i + 1}`, "x-real-ip": `198.51.100.${i + 1}` });
    await page.goto("/sign-in");
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign In" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /incorrect|Too many/ })).toHaveText("The username or password is incorrect.");
  }
  // The failures were counted against the connection's own address, not the claimed ones.
  const rows = await querySql<{ address: string }>(`SELECT "address" FROM "SignInAttempt" WHERE "username" = ?`, [username]);
  expect(rows.map((r) => r.address)).toEqual(["127.0.0.1", "127.0.0.1"]);
});
