#!/usr/bin/env node
// `npm test`: every suite (unit, integration against real redis-server, Playwright e2e), then one
// closing line "N passed, N failed" that CI reads.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

function need(cmd, args, hint) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    console.error(`npm test: ${cmd} is missing. ${hint}`);
    process.exit(2);
  }
}
need("redis-server", ["--version"], "Install it (apt-get install -y redis-server) or run .ci/run, which installs it.");
need("gcc", ["--version"], "The module tests build their test module with it: install it (apt-get install -y build-essential) or run .ci/run, which installs it.");
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(`npm test: chromium is missing at ${chromium}. Install it (apt-get install -y chromium) or run .ci/run.`);
  process.exit(2);
}

// the engine's CRC-64 addon (postinstall builds it; a changed source is rebuilt here)
{
  const r = spawnSync(process.execPath, ["scripts/build-native.cjs"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 2);
}

const only = process.argv.slice(2); // e.g. `npm test -- unit`, `npm test -- e2e`, `npm test -- types` or `npm test -- imports`
const want = (s) => only.length === 0 || only.includes(s);
mkdirSync(".tmp", { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
let code = 0;

// `next build` skips type checking (a production start must not fail on a test file's types), so the
// suite checks them: one entry in the count.
if (want("types")) {
  console.log("npm test: type check (tsc --noEmit)");
  const r = spawnSync("npx", ["tsc", "--noEmit", "-p", "."], { stdio: "inherit" });
  if (r.status === 0) passed += 1;
  else {
    failed += 1;
    code = 1;
  }
}

// The import rules of ARCHITECTURE.md (.dependency-cruiser.cjs): an arrow pointing up a floor, or a
// cycle, fails the suite. One entry in the count.
if (want("imports")) {
  console.log("npm test: import rules (dependency-cruiser)");
  const r = spawnSync(process.execPath, ["scripts/check-imports.mjs"], { stdio: "inherit" });
  if (r.status === 0) passed += 1;
  else {
    failed += 1;
    code = 1;
  }
}

// The unit and integration suite (vitest) and the browser walks (Playwright) run side by side: both
// spend much of their time waiting on redis-server, engine processes and the console, and one after
// the other they took ~18 minutes on two cores. The browser walks' output is kept in a file and
// printed after the vitest output, so neither is interleaved with the other.
const exitOf = (child) =>
  new Promise((resolve) => {
    child.on("exit", (c, sig) => resolve(c ?? (sig ? 1 : 0)));
    child.on("error", (err) => (console.error(`npm test: ${err.message}`), resolve(1)));
  });
const runs = [];
if (want("unit")) {
  rmSync(".tmp/vitest-results.json", { force: true });
  runs.push(exitOf(spawn("npx", ["vitest", "run"], { stdio: "inherit" })).then((status) => {
    if (status !== 0) code = 1;
    if (existsSync(".tmp/vitest-results.json")) {
      const j = JSON.parse(readFileSync(".tmp/vitest-results.json", "utf8"));
      passed += j.numPassedTests;
      // A file that fails to load counts once; numFailedTestSuites would count every describe block
      // around a failed test again.
      const brokenFiles = (j.testResults ?? []).filter((f) => f.status === "failed" && !(f.assertionResults ?? []).some((t) => t.status === "failed")).length;
      failed += j.numFailedTests + brokenFiles;
      skipped += j.numPendingTests + (j.numTodoTests ?? 0);
    } else failed += 1;
  }));
}

if (want("e2e") && existsSync("playwright.config.ts")) {
  rmSync(".tmp/playwright-results.json", { force: true });
  const alone = runs.length === 0;
  const log = ".tmp/e2e-output.log";
  const out = alone ? "inherit" : openSync(log, "w");
  if (!alone) console.log(`npm test: the browser walks (Playwright) run alongside; their output follows the unit tests' (${log})`);
  const e2e = spawn("npx", ["playwright", "test"], { stdio: alone ? "inherit" : ["ignore", out, out], env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: ".tmp/playwright-results.json" } });
  runs.push(exitOf(e2e).then(async (status) => {
    if (!alone) {
      closeSync(out);
      // after the vitest output, never inside it
      await Promise.all(runs.slice(0, -1));
      console.log("\nnpm test: browser walks (Playwright)");
      process.stdout.write(readFileSync(log, "utf8"));
    }
    if (status !== 0) code = 1;
    if (existsSync(".tmp/playwright-results.json")) {
      const s = JSON.parse(readFileSync(".tmp/playwright-results.json", "utf8")).stats ?? {};
      passed += (s.expected ?? 0) + (s.flaky ?? 0);
      failed += s.unexpected ?? 0;
      skipped += s.skipped ?? 0;
    } else failed += 1;
  }));
}
await Promise.all(runs);

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(code || (failed > 0 ? 1 : 0));
