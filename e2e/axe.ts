import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

const BLOCKING = new Set(["serious", "critical"]);

/** The page's violations of impact serious or critical, one readable entry each (rule, help, where). */
export async function blockingViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => BLOCKING.has(v.impact ?? ""))
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}\n      ${(n.failureSummary ?? "").replace(/\n/g, "\n      ")}`).join("\n")}`);
}

/**
 * Runs axe on the page as it is now (dialogs open, tab chosen, current viewport width) and fails the
 * test on every violation of impact serious or critical. The check is soft so that one run lists all
 * the violations of a walk, not only the first; the test still fails. The time axe takes is added to
 * the test's timeout: on a loaded machine a run takes seconds, which the behaviour's budget was not
 * sized for.
 */
export async function expectAccessible(page: Page, where: string) {
  const started = Date.now();
  const report = await blockingViolations(page);
  const info = test.info();
  info.setTimeout(info.timeout + (Date.now() - started));
  expect.soft(report, `accessibility of ${where} at ${page.viewportSize()?.width ?? 0} px`).toEqual([]);
}
