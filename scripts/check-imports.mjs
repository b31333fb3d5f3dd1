#!/usr/bin/env node
// `npm run check:imports` (and one entry of `npm test`): the import rules of ARCHITECTURE.md, written
// in .dependency-cruiser.cjs, over every part of the product. Exit 1 with one line per arrow that
// breaks a rule (an import pointing up a floor, a cycle, production code reaching test support).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const RULES = path.join(root, ".dependency-cruiser.cjs");
export const CHECKED = ["server", "app", "components", "contracts", "bench", "scripts", "proxy.ts", "instrumentation.ts"];
const depcruise = path.join(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

/** Runs the rules over `paths` (relative to `cwd`): ok, and what dependency-cruiser printed. */
export function checkImports({ cwd = root, paths = CHECKED } = {}) {
  const r = spawnSync(process.execPath, [depcruise, ...paths, "--config", RULES, "--output-type", "err"], { cwd, encoding: "utf8" });
  if (r.error) throw r.error;
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { ok, output } = checkImports();
  console.log(output);
  process.exit(ok ? 0 : 1);
}
