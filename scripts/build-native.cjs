#!/usr/bin/env node
// Builds the engine's one native addon, the CRC-64 of server/engine/rdb/native/crc64.c, into
// .cache/native/crc64.node: every full sync checksums the whole RDB stream and every RESTORE payload,
// and the addon does it at ~6 GB/s (PCLMULQDQ) where WebAssembly under --liftoff-only did ~1.2.
// Run by postinstall, by the CLI launcher (a changed source is rebuilt, as the bundle is) and by
// `npm test`. A plain C compiler and node's own headers are all it needs (no node-gyp, no download).
// Without them the engine says so once and uses its WebAssembly path: slower, same results.
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync, mkdirSync, renameSync, rmSync, statSync } = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const source = path.join(root, "server/engine/rdb/native/crc64.c");
const output = path.join(root, ".cache/native/crc64.node");

/** node_api.h of the running node (Debian's /usr/include/node, or an official build's include/node) */
function nodeHeaders() {
  const candidates = [path.resolve(path.dirname(process.execPath), "../include/node"), path.join(process.config?.variables?.node_prefix ?? "/usr", "include/node")];
  return candidates.find((dir) => existsSync(path.join(dir, "node_api.h"))) ?? null;
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * The addon's path once it is built and not older than its source; builds it when needed. Returns
 * { file } or { error } (why it could not be built); never throws.
 */
function ensureNative() {
  if (!existsSync(source)) return { error: `${source} is missing` };
  if (mtime(output) >= mtime(source)) return { file: output };
  const headers = nodeHeaders();
  if (!headers) return { error: `node's headers (node_api.h) were not found beside ${process.execPath}` };
  mkdirSync(path.dirname(output), { recursive: true });
  const tmp = `${output}.${process.pid}.tmp`;
  const cc = process.env.CC || "cc";
  const r = spawnSync(cc, ["-O2", "-Wall", "-shared", "-fPIC", "-DNODE_GYP_MODULE_NAME=crc64", `-I${headers}`, "-o", tmp, source], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    rmSync(tmp, { force: true });
    return { error: `${cc} failed: ${(r.error?.message ?? r.stderr ?? "").trim().split("\n").slice(0, 6).join("\n")}` };
  }
  // atomic: processes starting at once each build, and each sees a whole file
  renameSync(tmp, output);
  return { file: output };
}

module.exports = { ensureNative, nativeAddonPath: output };

if (require.main === module) {
  const r = ensureNative();
  if (r.file) console.log(`build-native: ${path.relative(root, r.file)} ready`);
  // not fatal: the engine has a WebAssembly fallback, and says so when it starts
  else console.warn(`build-native: the CRC-64 addon was not built (${r.error}); the engine uses its slower WebAssembly CRC`);
}
