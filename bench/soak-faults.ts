// `npm run soak:faults -- --minutes M [--seed S]`: a chaos soak of one long-running task.
import { randomInt } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Cluster } from "ioredis";
import { info, startCluster, startRedis, stopAll, waitFor, type RedisClusterHandle, type RedisNode } from "../server/testing/redis-harness";
import { SyncProcess } from "../server/testing/sync-process";
import { TcpProxy } from "../server/testing/tcp-proxy";
import { compareSides, describeDiff, endpointOf, masterOffsets, waitCaughtUp } from "../server/testing/sync-fixtures";
import { Prng } from "../server/testing/fuzz/prng";

/**
 * One task from a cluster source (3 masters, a replica each) to a standalone destination reached
 * through a TCP proxy, under a random workload, while random faults hit it: the engine killed with -9
 * and started again at once, a source master killed (its replica takes over; it comes back as a
 * replica), CLUSTER FAILOVER on a replica, the destination restarted, the destination's network cut
 * for a few seconds, the replication links of a source master reset for a few seconds. Every fault
 * is printed with its time. At the end the workload stops, the task catches up, and both sides are
 * compared key by key; the lists (consecutive numbers pushed one by one) are checked for elements
 * applied twice. Exit 0 only when equal.
 */

const HELP = `npm run soak:faults -- [--minutes M] [--seed S]

  --minutes M   inject faults for M minutes (default 10), then compare
  --seed S      the seed of the fault schedule and the workload (default random)
`;

const began = Date.now();
const say = (line: string) => process.stdout.write(`[faults +${((Date.now() - began) / 1000).toFixed(0)}s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LISTS = 4;

function parseArgs(argv: string[]): { minutes: number; seed: number } | "help" {
  let minutes = 10;
  let seed = randomInt(1, 2 ** 31);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") return "help";
    const value = argv[++i];
    if (a === "--minutes" && Number(value) > 0) minutes = Number(value);
    else if (a === "--seed" && /^\d+$/.test(value ?? "")) seed = Number(value);
    else throw new Error(`unknown or bad argument ${a} ${value ?? ""}`);
  }
  return { minutes, seed };
}

/** Pushes 0, 1, 2… to each list and random SET/INCR/DEL/HSET elsewhere; pausable; retries through failovers. */
class Workload {
  pushed = Array.from({ length: LISTS }, () => 0);
  ops = 0;
  private paused = false;
  private running = true;
  private readonly done: Promise<void>;

  constructor(client: Cluster, rng: Prng) {
    this.done = (async () => {
      while (this.running) {
        if (this.paused) {
          await sleep(50);
          continue;
        }
        const i = rng.range(0, LISTS - 1);
        try {
          if (rng.range(0, 2) === 0) {
            // an element is counted once the source acknowledged it: a lost reply is pushed again
            // under the same number only when the list does not end with it already
            const key = `list:{${i}}`;
            const n = this.pushed[i];
            const tail = await client.lindex(key, -1);
            if (tail !== String(n)) await client.rpush(key, String(n));
            this.pushed[i]++;
          } else {
            const k = `k:{${rng.range(0, 50)}}`;
            const op = rng.range(0, 3);
            if (op === 0) await client.set(k, String(rng.range(0, 1e6)));
            else if (op === 1) await client.incr(`n:${k}`);
            else if (op === 2) await client.del(k);
            else await client.hset(`h:${k}`, `f${rng.range(0, 20)}`, String(rng.range(0, 1e6)));
          }
          this.ops++;
        } catch {
          await sleep(200); // a failover in progress: the cluster client learns the new owner
        }
      }
    })();
  }

  pause(on: boolean): void {
    this.paused = on;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

async function replicaOf(src: RedisClusterHandle, master: RedisNode): Promise<RedisNode | undefined> {
  for (const r of await src.replicas()) if ((await info(r, "replication")).includes(`master_port:${master.port}`)) return r;
  return undefined;
}

async function main(): Promise<number> {
  let o: { minutes: number; seed: number };
  try {
    const parsed = parseArgs(process.argv.slice(2));
    if (parsed === "help") {
      process.stdout.write(HELP);
      return 0;
    }
    o = parsed;
  } catch (err) {
    process.stderr.write(`soak:faults: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  const rng = new Prng(String(o.seed));
  say(`chaos soak for ${o.minutes} min, seed ${o.seed}`);
  const src = await startCluster({ masters: 3, replicasPerMaster: 1 });
  const dst = await startRedis({ config: { appendonly: "yes", appendfsync: "always" } });
  const proxy = await TcpProxy.start({ host: dst.host, port: dst.port });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-faults-"));
  // any live node serves as the seed of the topology discovery: nodes[0] may be the one killed
  const args = (seed: RedisNode) => ["--task", "chaos", "--skip-precheck", "--on-inexact", "skip", "--source", seed.uri, "--source-mode", "cluster", "--target", proxy.uri()];
  const seedNode = () => src.nodes.find((n) => n.running())!;
  let engine = new SyncProcess(args(seedNode()), dataDir).start();
  await engine.waitState("synchronizing", 120_000);
  say("task synchronizing; workload and faults start");
  const work = new Workload(src.client(), rng);
  const injected: string[] = [];
  const deadline = began + o.minutes * 60_000;

  const faults: Array<[string, () => Promise<string>]> = [
    ["engine kill -9", async () => {
      await engine.kill();
      engine = new SyncProcess(args(seedNode()), dataDir).start();
      return `engine killed with -9 and started again (pid ${engine.pid})`;
    }],
    ["source master kill", async () => {
      const masters = await src.masters();
      const victim = masters[rng.range(0, masters.length - 1)];
      const replica = await replicaOf(src, victim);
      if (!replica) return `no replica of ${victim.port} to promote: skipped`;
      // the replica must hold what the engine may already have applied: a promoted replica missing
      // acknowledged writes is a source losing data, not something the engine can mend
      work.pause(true);
      await waitFor(async () => (await masterOffsets([replica]))[0] === (await masterOffsets([victim]))[0], 15_000, "replica caught up").catch(() => {});
      await victim.kill();
      work.pause(false);
      await waitFor(async () => (await info(replica, "replication")).includes("role:master"), 30_000, "replica promoted");
      await victim.restart();
      return `source master ${victim.port} killed, replica ${replica.port} promoted, ${victim.port} back as a replica`;
    }],
    ["CLUSTER FAILOVER", async () => {
      const replicas = (await src.replicas()).filter((r) => r.running());
      const r = replicas[rng.range(0, replicas.length - 1)];
      await r.client().call("CLUSTER", "FAILOVER");
      await waitFor(async () => (await info(r, "replication")).includes("role:master"), 30_000, "failover done");
      return `CLUSTER FAILOVER on replica ${r.port}`;
    }],
    ["destination restart", async () => {
      await dst.restart();
      return `destination ${dst.port} restarted`;
    }],
    ["source network cut", async () => {
      // the master's replication links (the engine's, and its cluster replica's) are reset as soon as
      // they come back, for a few seconds: what a flapping link of that master looks like to them
      const masters = await src.masters();
      const victim = masters[rng.range(0, masters.length - 1)];
      const ms = rng.range(1000, 6000);
      const c = victim.client();
      let resets = 0;
      const end = Date.now() + ms;
      while (Date.now() < end) {
        resets += Number(await c.call("CLIENT", "KILL", "TYPE", "replica").catch(() => 0));
        await sleep(100);
      }
      c.disconnect();
      return `source network cut at master ${victim.port} for ${ms} ms (${resets} replication links reset)`;
    }],
    ["destination network cut", async () => {
      const ms = rng.range(1000, 6000);
      await proxy.cut();
      await sleep(ms);
      await proxy.restore();
      return `destination network cut for ${ms} ms`;
    }],
  ];

  while (Date.now() < deadline) {
    await sleep(rng.range(5000, 20_000));
    if (Date.now() >= deadline) break;
    const [name, run] = faults[rng.range(0, faults.length - 1)];
    say(`injecting: ${name}`);
    try {
      const what = await run();
      injected.push(`+${((Date.now() - began) / 1000).toFixed(0)}s ${what}`);
      say(what);
    } catch (err) {
      injected.push(`+${((Date.now() - began) / 1000).toFixed(0)}s ${name} failed: ${(err as Error).message}`);
      say(`${name} failed: ${(err as Error).message}`);
    }
    if (!engine.running) {
      say(`the engine exited (${engine.stderr.trim().split("\n").pop()}): started again`);
      engine = new SyncProcess(args(seedNode()), dataDir).start();
    }
  }

  await work.stop();
  say(`workload stopped after ${work.ops} ops; waiting for the task to catch up`);
  let result = 1;
  try {
    await engine.waitState("synchronizing", 120_000);
    await waitCaughtUp(engine, await src.masters(), 180_000);
    const r = await compareSides(endpointOf(src, "cluster"), endpointOf(dst, "standalone"));
    const d = dst.client();
    const duplicated: string[] = [];
    for (let i = 0; i < LISTS; i++) {
      const values = await d.lrange(`list:{${i}}`, 0, -1);
      if (new Set(values).size !== values.length) duplicated.push(`list:{${i}} (${values.length - new Set(values).size})`);
    }
    say("faults injected:");
    for (const line of injected) say(`  ${line}`);
    say(`summary: ${injected.length} faults, ${work.ops} ops, ${r.equal ? "equal" : `DIFFERENT: ${describeDiff(r)}`}, ${duplicated.length ? `duplicated list elements in ${duplicated.join(", ")}` : "no duplicate list elements"}`);
    result = r.equal && duplicated.length === 0 ? 0 : 1;
  } catch (err) {
    say(`could not finish: ${(err as Error).message}`);
    say(engine.stderr.slice(-3000));
  } finally {
    await engine.stop();
    await proxy.close();
    await stopAll();
  }
  return result;
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    process.stderr.write(`soak:faults: ${err instanceof Error ? err.stack : String(err)}\n`);
    await stopAll().catch(() => {});
    process.exit(1);
  },
);
