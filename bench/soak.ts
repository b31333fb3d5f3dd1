// `npm run soak -- --minutes M [--seed S] [--topology NAME]`: differential fuzzing for as long as asked.
import { randomInt } from "node:crypto";
import { stopAll } from "../server/testing/redis-harness";
import { startEnv, type FuzzEnv } from "../server/testing/fuzz/env";
import { PENDING_FIXES, profileFor, SWITCH_DOCS, TOPOLOGIES, type SwitchName, type TopologyName } from "../server/testing/fuzz/profiles";
import { runFuzzRound, type FuzzRoundResult } from "../server/testing/fuzz/round";
import { parseSoakArgs, planRound, type SoakOptions } from "./soak-plan";

/**
 * Random seeds and topologies, each round printed before it starts; the engine is killed with
 * SIGKILL at random moments (during the full sync and the incremental phase) and the same task
 * started again; each round ends with the key-by-key comparison. One line per round, the whole
 * report of a failing round with its reproduction command, a summary at the end; exit 1 on any
 * difference or problem.
 */

const HELP = `npm run soak -- [--minutes M] [--seed S] [--topology NAME] [--rounds N] [--with SWITCH,…] [--no-kill] [--ops N]

  --minutes M     run rounds for M minutes (default 15); a round started in time is finished
  --seed S        first round's seed (then S+1, S+2…; default random). A round's topology, sizes and
                  kills come from its seed: --seed S --rounds 1 runs it again
  --topology T    only this topology: ${TOPOLOGIES.join(", ")}
  --rounds N      stop after N rounds
  --with A,B      turn on switches that wait on engine fixes:
${PENDING_FIXES.map((s) => `                    ${s}: ${SWITCH_DOCS[s]}`).join("\n")}
  --no-kill       never kill the engine
  --ops N         operations per phase (default from the seed, 1000-3000)
`;

const began = Date.now();
const stamp = () => `[soak +${((Date.now() - began) / 1000).toFixed(0)}s]`;
const say = (line: string) => process.stdout.write(`${line}\n`);

function reproduce(seed: number, o: SoakOptions, topology: TopologyName): string {
  return ["npm run soak --", `--seed ${seed}`, `--topology ${topology}`, "--rounds 1", o.with.length ? `--with ${o.with.join(",")}` : "", o.kills ? "" : "--no-kill", o.ops ? `--ops ${o.ops}` : ""].filter(Boolean).join(" ");
}

async function main(): Promise<number> {
  let o: SoakOptions;
  try {
    const parsed = parseSoakArgs(process.argv.slice(2));
    if (parsed === "help") {
      say(HELP);
      return 0;
    }
    o = parsed;
    for (const s of o.with) if (!PENDING_FIXES.includes(s as SwitchName)) throw new Error(`--with ${s}: not a pending-fix switch (${PENDING_FIXES.join(", ")})`);
  } catch (err) {
    process.stderr.write(`soak: ${(err as Error).message}\n`);
    return 2;
  }
  const firstSeed = o.seed ?? randomInt(1, 2 ** 31);
  const deadline = began + o.minutes * 60_000;
  say(`${stamp()} soak for ${o.minutes} min from seed ${firstSeed}${o.topology ? ` on ${o.topology}` : ""}${o.with.length ? ` with ${o.with.join(",")}` : ""}${o.kills ? ", killing the engine" : ""}`);
  const envs = new Map<TopologyName, FuzzEnv>();
  const results: FuzzRoundResult[] = [];
  let interrupted = false;
  process.once("SIGINT", () => {
    interrupted = true;
    say(`${stamp()} interrupted: finishing the round in progress`);
  });
  for (let i = 0; !interrupted && Date.now() < deadline && (o.rounds === undefined || i < o.rounds); i++) {
    const plan = planRound(firstSeed + i, o);
    const kills = plan.round.kills!;
    say(`${stamp()} round ${i + 1} seed ${plan.seed} ${plan.topology}: ${plan.round.opsDuringFull}+${plan.round.opsAfter} ops on ${plan.round.connections} connections, ${plan.round.filler} filler keys${plan.round.big ? ", big values" : ""}${plan.round.huge ? ", huge values" : ""}, kills ${kills.full} during the full sync + ${kills.incremental} after`);
    let env = envs.get(plan.topology);
    if (!env) {
      env = await startEnv(profileFor(plan.topology, o.with as SwitchName[]));
      envs.set(plan.topology, env);
    }
    const r = await runFuzzRound(env, { ...plan.round, reproduce: reproduce(plan.seed, o, plan.topology).replace(/^.*--rounds 1 ?/, ""), log: (l) => say(`${stamp()} ${l.trim()}`) });
    results.push(r);
    say(`${stamp()} round ${i + 1} seed ${r.seed} ${r.topology}: ${r.ok ? "OK" : "FAILED"} ${r.ops} ops (${r.opsDuringFull} during the full sync), ${r.kills} kills, ${r.differences} differences${r.reported ? ` (+${r.reported} reported by the engine, as expected)` : ""}${r.known ? ` (+${r.known} of a pending fix)` : ""}, ${(r.durationMs / 1000).toFixed(1)} s`);
    if (!r.ok) {
      say(r.report);
      say(`${stamp()} reproduce: ${reproduce(r.seed, o, plan.topology)}`);
    }
    if (!r.ok && r.problems.some((p) => p.startsWith("round aborted"))) {
      // servers may be left in any state: the next round of this topology starts fresh ones
      await env.stop();
      envs.delete(plan.topology);
    }
  }
  await stopAll();
  const failed = results.filter((r) => !r.ok);
  const sum = (f: (r: FuzzRoundResult) => number) => results.reduce((n, r) => n + f(r), 0);
  say(`${stamp()} soak summary: ${results.length} rounds, ${sum((r) => r.ops)} ops, ${sum((r) => r.kills)} kills, ${sum((r) => r.differences)} differences (${sum((r) => r.reported)} more reported by the engine, as expected; ${sum((r) => r.known)} of pending fixes), ${failed.length} failed rounds in ${((Date.now() - began) / 60_000).toFixed(1)} min`);
  for (const r of failed) say(`  FAILED seed ${r.seed} ${r.topology}: ${r.problems[0]} | ${reproduce(r.seed, o, r.topology as TopologyName)}`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    process.stderr.write(`soak: ${(err as Error).stack ?? err}\n`);
    await stopAll();
    process.exit(3);
  },
);
