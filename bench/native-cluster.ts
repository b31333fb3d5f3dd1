import { Deployment } from "./deployment";
import { field, keysIn } from "./native";
import type { NativeClusterRun } from "./results.types";
import { startCpuBudget } from "./cpu-budget";
import { cpuMsOf, redisPidOf } from "./rss-sampler";
import { pollUntil } from "./stats";

/**
 * The yardstick for a cluster: one empty redis-server per source master, all sent REPLICAOF at the
 * same instant, timed until the last of them is linked, done loading and holds its master's keys --
 * the standalone yardstick (native.ts) run on every master at once, with the same server settings.
 */
export async function nativeClusterSync(source: Deployment, timeoutMs: number): Promise<NativeClusterRun> {
  const expected = await Promise.all(source.conns.map((c) => c.dbsize()));
  const replicas: Deployment[] = [];
  try {
    for (let i = 0; i < source.masters.length; i++) replicas.push(await Deployment.standalone());
    const conns = replicas.map((r) => r.conns[0]);
    await Promise.all(conns.map((c) => c.info()));
    const pids = replicas.map((r) => redisPidOf(r.masters[0]));
    const cpuBefore = pids.map(cpuMsOf);
    const budget = startCpuBudget(source);
    const began = performance.now();
    await Promise.all(conns.map((c, i) => c.call("REPLICAOF", source.masters[i].host, String(source.masters[i].port))));
    const infos: string[] = conns.map(() => "");
    const loaded = (i: number) => field(infos[i], "master_link_status") === "up" && field(infos[i], "loading") === "0" && keysIn(infos[i]) >= expected[i];
    await pollUntil(
      async () => {
        // only the replicas still loading are asked again: a finished one stays finished
        await Promise.all(conns.map(async (c, i) => (loaded(i) ? undefined : (infos[i] = await c.info().catch((e: Error) => e.message)))));
        return conns.every((_, i) => loaded(i)) ? true : undefined;
      },
      {
        intervalMs: 10,
        timeoutMs,
        what: () => `the native replicas to load ${expected.join("/")} keys (${infos.map((t) => `link ${field(t, "master_link_status")}, loading ${field(t, "loading")}, keys ${keysIn(t)}`).join("; ")})`,
      },
    );
    const ms = performance.now() - began;
    const cpuAfter = pids.map(cpuMsOf);
    const cpu = pids.map((_, i) => (cpuBefore[i] !== null && cpuAfter[i] !== null ? cpuAfter[i]! - cpuBefore[i]! : null));
    return {
      ms,
      cpuMs: cpu.every((v) => v !== null) ? cpu.reduce((a, b) => a! + b!, 0) : null,
      keys: infos.reduce((n, t) => n + keysIn(t), 0),
      budget: await budget?.end(),
    };
  } finally {
    for (const r of replicas) await r.stop();
  }
}
