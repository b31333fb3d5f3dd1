import { rmSync } from "node:fs";

/** The throwaway data folder (database, secret key) goes with the run. */
export default function globalTeardown() {
  const dir = process.env.E2E_DATA_DIR;
  if (dir && dir.includes("redis-dts-e2e-")) rmSync(dir, { recursive: true, force: true });
}
