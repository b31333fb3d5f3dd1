// Whether the console needs a (re)build: compares a fingerprint of everything the build reads with
// the one stamped into the build folder by the last successful build.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const SOURCE_DIRS = ["app", "components", "contracts", "server", "prisma"];
/**
 * Top-level files `next build` does not read. Every other top-level code file counts (next.config.js,
 * proxy.ts, instrumentation.ts, tsconfig.json, package.json...): a list of the ones that do count
 * once left out instrumentation.ts, and an edited start hook kept serving the old build. Forgetting
 * a file here costs a needless rebuild, not a stale console.
 */
export const NOT_IN_THE_BUILD = new Set(["vitest.config.ts", "playwright.config.ts", "prisma.config.ts", ".dependency-cruiser.cjs"]);
const CODE = /\.(ts|tsx|js|mjs|cjs|jsx|css|json|prisma|sql)$/;
const SKIP_DIRS = new Set(["node_modules", "generated", "testing", "fixtures", ".next"]);
const STAMP = "redis-dts-build.json";

function walk(dir, out) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(full, out);
    } else if (CODE.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      out.push(full);
    }
  }
}

/** A hash of the sources' paths and contents (not times: a fresh clone or checkout changes those). */
export function sourceFingerprint(root) {
  const files = [];
  for (const dir of SOURCE_DIRS) walk(path.join(root, dir), files);
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    // next-env.d.ts is written by Next itself
    if (entry.isFile() && CODE.test(entry.name) && !entry.name.endsWith(".d.ts") && !NOT_IN_THE_BUILD.has(entry.name)) files.push(path.join(root, entry.name));
  }
  files.sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(path.relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/** null when the build is current, else why it is not. */
export function needsBuild(root, distDir) {
  const dist = path.join(root, distDir);
  if (!existsSync(path.join(dist, "BUILD_ID"))) return "no build yet";
  try {
    const stamp = JSON.parse(readFileSync(path.join(dist, STAMP), "utf8"));
    return stamp.fingerprint === sourceFingerprint(root) ? null : "the sources changed since the last build";
  } catch {
    return "the build has no source stamp";
  }
}

export function writeBuildStamp(root, distDir) {
  writeFileSync(path.join(root, distDir, STAMP), JSON.stringify({ fingerprint: sourceFingerprint(root), builtAt: new Date().toISOString() }) + "\n");
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Two starts at once (a console and the e2e suite) must not build into the same folder together:
 * a lock directory serializes them; the second one then usually finds the build current.
 */
export async function withBuildLock(root, distDir, fn) {
  const lock = path.join(root, ".tmp", `build-${distDir.replace(/[^\w.-]/g, "_")}.lock`);
  mkdirSync(path.dirname(lock), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      // A lock left by a killed build is stale after 15 minutes.
      if (Date.now() - statSync(lock).mtimeMs > 15 * 60 * 1000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!announced) console.log("redis-dts: another process is building the console; waiting for it");
      announced = true;
      await sleep(2000);
    }
  }
  const release = () => rmSync(lock, { recursive: true, force: true });
  process.once("exit", release);
  try {
    await fn();
  } finally {
    release();
    process.off("exit", release);
  }
}
