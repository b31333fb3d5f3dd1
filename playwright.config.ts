import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// This file is evaluated by the runner and again by every worker: the port and the throwaway data
// folder are chosen once and handed down through the environment.
if (!process.env.E2E_PORT) {
  const probe = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  process.env.E2E_PORT = execFileSync(process.execPath, ["-e", probe], { encoding: "utf8" }).trim();
}
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), "redis-dts-e2e-"));
process.env.E2E_ADMIN_PASSWORD ??= "e2e-Admin-Password-1";

const port = process.env.E2E_PORT;
const dataDir = process.env.E2E_DATA_DIR;
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // One console and one database for the whole run; two cores do not gain from parallel browsers.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? ".tmp/playwright-results.json" }]],
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's chromium, never a downloaded browser.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  projects: [
    // Runs first, on the empty database: what a new operator sees.
    { name: "first-run", testMatch: /first-run\.spec\.ts/, use: { viewport: { width: 1280, height: 800 } } },
    { name: "desktop", dependencies: ["first-run"], testIgnore: /first-run\.spec\.ts/, use: { viewport: { width: 1280, height: 800 } } },
    // The wizard and status specs photograph every step at both widths from the desktop run: walking
    // them again at 390 px would only repeat their Redis and engine work.
    { name: "mobile", dependencies: ["first-run"], testIgnore: /(first-run|wizard|status|divergence|scan-reader)\.spec\.ts/, use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
  ],
  webServer: {
    command: "node scripts/start.mjs",
    url: `${baseURL}/sign-in`,
    // The first run builds the console.
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: port,
      HOST: "127.0.0.1",
      REDIS_DTS_DATA_DIR: dataDir,
      // E2E_DATABASE_URL=postgresql://… runs the suite against PostgreSQL (a database of its own).
      DATABASE_URL: process.env.E2E_DATABASE_URL || `file:${path.join(dataDir, "e2e.db")}`,
      ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD,
      REDIS_DTS_SECRET: "",
    },
  },
});
