import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stopAll } from "../server/testing/redis-harness";
import { catchUpRun } from "./catch-up";
import { summarizeProfiles } from "./cpu-profile";
import { Deployment } from "./deployment";
import { EngineProcess } from "./engine-process";
import { pollUntil } from "./stats";

/**
 * Where the engine's time goes in the catch-up of a frozen backlog (catch-up.ts), under
 * `node --cpu-prof`: an empty source and destination, the engine synchronizing, then one backlog.
 * `npx tsx bench/profile-catch-up.ts [commands]` prints the top self times (profiling slows the engine:
 * its times are not the benchmark's).
 */
async function main(): Promise<void> {
  const commands = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-prof-catchup-"));
  const source = await Deployment.standalone();
  const target = await Deployment.standalone();
  const engine = new EngineProcess({ task: "profile-catch-up", source: source.uri, target: target.uri, sourceMode: "standalone", targetMode: "standalone", dataDir: dir, cpuProfDir: path.join(dir, "prof") }).start();
  try {
    await pollUntil(() => (engine.last?.state === "synchronizing" ? true : undefined), { intervalMs: 50, timeoutMs: 120_000, what: () => `the engine to synchronize (${engine.describe()})` });
    const r = await catchUpRun({ source, target, copyPid: engine.pid, commands, label: "profile", timeoutMs: 600_000 });
    console.log(`catch-up of ${r.commands} commands: ${Math.round(r.catchUpMs)} ms, engine CPU ${r.copyCpuMs} ms, destination CPU ${r.destinationCpuMs} ms, ${r.differing}/${r.checked} differ`);
  } finally {
    await engine.stop(60_000);
  }
  for (const p of summarizeProfiles(path.join(dir, "prof"), 30)) {
    console.log(`\n${p.file}: ${p.busyMs} ms busy`);
    for (const t of p.top) console.log(`  ${String(t.ms).padStart(7)} ms ${String(t.percent).padStart(5)}%  ${t.fn}  ${t.where}`);
  }
  await target.stop();
  await source.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => stopAll().then(() => process.exit(0)),
  async (err) => {
    console.error(err);
    await stopAll();
    process.exit(1);
  },
);
