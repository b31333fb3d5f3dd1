import { expect, test } from "@playwright/test";
import { blockingViolations } from "./axe";

// The accessibility check itself: it must catch what it is there to catch, and only that.

const PAGE = (body: string) => `<!doctype html><html lang="en"><head><title>axe check</title></head><body><main>${body}</main></body></html>`;

test("the accessibility check fails on serious and critical violations", async ({ page }) => {
  await page.setContent(PAGE(`<h1>Tasks</h1><button></button><p style="color:#cbd5e1;background:#fff">faint text</p><input type="radio">`));
  const found = (await blockingViolations(page)).map((v) => v.split(" ")[0]);
  expect(found).toEqual(expect.arrayContaining(["button-name", "color-contrast", "label"]));
});

test("the accessibility check lets a clean page and lesser findings pass", async ({ page }) => {
  // A skipped heading level is a moderate finding only.
  await page.setContent(PAGE(`<h1>Tasks</h1><h3>Details</h3><button>Save</button><label>Name <input name="n"></label>`));
  expect(await blockingViolations(page)).toEqual([]);
});
