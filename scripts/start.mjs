#!/usr/bin/env node
// `npm start`: create or upgrade the database (offline), build the console when there is no build or
// the sources changed since the last one, then serve it on PORT (default 3000).
// `npm run dev` (--dev): database, then Next in development mode. Both through scripts/serve.mjs.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { needsBuild, withBuildLock, writeBuildStamp } from "./start-build.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const dev = process.argv.includes("--dev");
const port = process.env.PORT || "3000";
const distDir = ".next";
const nextBin = path.join(root, "node_modules/next/dist/bin/next");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

function run(args, what) {
  const r = spawnSync(process.execPath, args, { stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`redis-dts: ${what} failed${r.signal ? ` (${r.signal})` : ""}`);
    process.exit(r.status || 1);
  }
}

if (!existsSync(nextBin)) {
  console.error("redis-dts: dependencies are missing; run `npm install` (or `npm ci`) first");
  process.exit(1);
}
// `npm ci --ignore-scripts` skips postinstall: generate the database clients here instead.
if (!existsSync(path.join(root, "server/db/generated/sqlite/client.ts")) || !existsSync(path.join(root, "server/db/generated/postgresql/client.ts"))) {
  run([path.join(root, "scripts/prisma-generate.mjs")], "generating the database clients");
}

// The same module graph as the console: server-only modules load under the react-server condition.
run(["--conditions=react-server", "--import", "tsx", path.join(root, "server/start-up/prepare-console.ts")], "preparing the database");

if (!dev) {
  await withBuildLock(root, distDir, async () => {
    const reason = needsBuild(root, distDir);
    if (!reason) return;
    console.log(`redis-dts: building the console (${reason}); this takes a minute the first time`);
    run([nextBin, "build"], "building the console");
    writeBuildStamp(root, distDir);
  });
}

// scripts/serve.mjs: Next behind a server that decides the client's address (TRUST_PROXY).
const args = [path.join(root, "scripts/serve.mjs"), ...(dev ? ["--dev"] : [])];
console.log(`redis-dts: console on http://${process.env.HOST || "localhost"}:${port}`);
const child = spawn(process.execPath, args, { stdio: "inherit", env: { ...env, NODE_ENV: dev ? "development" : "production" } });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + (signal === "SIGINT" ? 2 : 15) : 1)));
