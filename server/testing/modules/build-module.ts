import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");

/**
 * Builds one of our test modules (server/testing/modules/<name>.c) with gcc and returns the path of
 * the shared object for `redis-server --loadmodule`. Cached under .cache/modules by the hash of the
 * source and the defines, so a run builds each variant once; a missing gcc is one clear error.
 */
export function buildModule(name: "dtstype", defines: Record<string, string | number> = {}): string {
  const source = path.join(here, `${name}.c`);
  const flags = Object.entries(defines).map(([k, v]) => `-D${k}=${v}`);
  const hash = createHash("sha256").update(readFileSync(source)).update(flags.join(" ")).digest("hex").slice(0, 16);
  const dir = path.join(root, ".cache", "modules");
  const out = path.join(dir, `${name}-${hash}.so`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const probe = spawnSync("gcc", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error("gcc is not installed: the module tests build their test module with it (apt-get install -y build-essential; .ci/run installs it when missing)");
  }
  // built next to its final name and renamed: parallel test files never load a half-written file
  const tmp = `${out}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const r = spawnSync("gcc", ["-shared", "-fPIC", "-O2", "-Wall", ...flags, "-o", tmp, source], { encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`gcc could not build ${name}.c: ${r.stderr || r.error?.message}`);
  }
  renameSync(tmp, out);
  return out;
}

/**
 * Debian's redis-redisearch (RediSearch 1.2), a real third-party module; null (said once on stderr,
 * so a skipped test has its reason in the output) when it is not installed.
 */
export const REDISEARCH_SO = "/usr/lib/redis/modules/redisearch.so";
let told = false;
export function redisearchModule(): string | null {
  if (existsSync(REDISEARCH_SO)) return REDISEARCH_SO;
  if (!told) process.stderr.write(`RediSearch tests skipped: ${REDISEARCH_SO} is missing (apt-get install -y redis-redisearch; .ci/run installs it when it can)\n`);
  told = true;
  return null;
}
