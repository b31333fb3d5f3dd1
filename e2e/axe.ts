import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

const BLOCKING = new Set(["serious", "critical"]);

/**
 * Runs axe on the page as it is now (dialogs open, tab chosen, current viewport width) and fails the
 * test on every violation of impact serious or critical. The check is soft so that one run lists all
 * the violations of a walk, not only the first; the test still fails.
 */
export async function expectAccessible(page: Page, where: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations.filter((v) => BLOCKING.has(v.impact ?? ""));
  const width = page.viewportSize()?.width ?? 0;
  const report = blocking.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}\n      ${(n.failureSummary ?? "").replace(/\n/g, "\n      ")}`).join("\n")}`);
  expect.soft(report, `accessibility of ${where} at ${width} px`).toEqual([]);
}
