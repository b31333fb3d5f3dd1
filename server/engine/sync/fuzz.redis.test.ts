import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopAll } from "../../testing/redis-harness";
import { startEnv, type FuzzEnv } from "../../testing/fuzz/env";
import { enabledFixes, profileFor, TOPOLOGIES, type SwitchName, type TopologyName } from "../../testing/fuzz/profiles";
import { runFuzzRound, type FuzzRoundOptions } from "../../testing/fuzz/round";

/**
 * Differential fuzzing (issue 12): fixed seeds per topology, each a few thousand random operations
 * run during the full sync and after it through `redis-dts sync --json`, then both sides compared
 * key by key (type, value, TTL, stream groups) and library by library. A failure prints the seed,
 * the profile, the differing keys with both sides' values and the ops that touched them, and the
 * command that reproduces it (`npm run soak -- --seed S --topology T --rounds 1`).
 *
 * The profiles leave out what a topology cannot apply exactly (profiles.ts says what and why) and,
 * until their engine fixes land (LANDED_FIXES, or REDIS_DTS_FUZZ_WITH=name to try one), the cases
 * issue 12 lists as broken and those the fuzz found; PENDING_SEEDS are the seeds that showed each.
 * Seeds that once failed stay as regressions: 1 (PFCOUNT into a cluster: cluster-cluster and
 * merged-cluster), 2 and 3 (standalone-standalone: SORT BY weights and BITFIELD OVERFLOW FAIL,
 * which Redis itself does not replicate exactly and the generator now leaves out).
 */

const SEEDS: Record<TopologyName, number[]> = {
  "standalone-standalone": [1, 2, 3],
  "merged-cluster": [1, 11],
  "cluster-cluster": [1, 21],
  "cluster-standalone": [1, 31],
};

type PendingSeed = [TopologyName, number, FuzzRoundOptions["kills"]?];
const PENDING_SEEDS: Record<SwitchName, PendingSeed[]> = {
  txAcrossSlots: [["merged-cluster", 1]],
  flushOneMaster: [["cluster-cluster", 1], ["cluster-standalone", 1]],
  // 454443739: a FUNCTION FLUSH replayed after two kills left a library no master held any more
  functionFlushOneMaster: [["cluster-cluster", 1], ["cluster-cluster", 454443739, { full: 1, incremental: 2 }]],
  functionsEveryMaster: [["cluster-cluster", 1], ["cluster-standalone", 1]],
  functionChangesEveryMaster: [["cluster-standalone", 31], ["cluster-cluster", 1]],
  publishCluster: [["cluster-cluster", 1]],
  moveFromUnselected: [["standalone-standalone", 1], ["merged-cluster", 1]],
  storeAcrossSlots: [["merged-cluster", 1]],
  moduleTypes: [["standalone-standalone", 1], ["merged-cluster", 1], ["cluster-cluster", 1]],
  ownKeysUncounted: [["standalone-standalone", 1], ["cluster-cluster", 1]],
  emulationReplay: [["merged-cluster", 707, { full: 0, incremental: 2 }]],
  publishReplay: [["merged-cluster", 707, { full: 0, incremental: 2 }]],
  flushReplay: [["merged-cluster", 707, { full: 0, incremental: 2 }]],
  replayRefusals: [["merged-cluster", 707, { full: 0, incremental: 2 }]],
  fullSyncRerunFunctions: [["cluster-cluster", 1772920240, { full: 1, incremental: 2 }]],
  // switches that are not pending fixes have no seeds of their own
  swapdb: [], flushdb: [], flushall: [], moveBetweenDbs: [], copyToOtherDb: [], selectInTx: [], sortPatterns: [], crossSlotOps: [], pubsubDelivery: [],
};

const fixes = enabledFixes();
afterAll(stopAll);

/** every round of a topology once: its base seeds, then the seeds of the enabled fixes not run already */
function roundsOf(topology: TopologyName): Array<[string, number, FuzzRoundOptions["kills"]]> {
  const out = new Map<string, [string, number, FuzzRoundOptions["kills"]]>();
  const add = (what: string, seed: number, kills: FuzzRoundOptions["kills"]) => {
    const id = `${seed}/${JSON.stringify(kills ?? null)}`;
    const had = out.get(id);
    out.set(id, [had ? `${had[0]}, ${what}` : what, seed, kills]);
  };
  for (const seed of SEEDS[topology]) add(fixes.length ? "every landed fix on" : "exact where the topology allows", seed, undefined);
  for (const s of fixes) for (const [t, seed, kills] of PENDING_SEEDS[s]) if (t === topology) add(`${s}${kills ? " (killing the engine)" : ""}`, seed, kills);
  return [...out.values()];
}

describe.each(TOPOLOGIES)("fuzz %s", (topology) => {
  let env: FuzzEnv;
  const profile = profileFor(topology, fixes);
  beforeAll(async () => {
    env = await startEnv(profile);
  });

  it.each(roundsOf(topology))("%s: seed %i", async (_what, seed, kills) => {
    const r = await runFuzzRound(env, { seed, profile, kills, opsDuringFull: 2000, opsAfter: 2000, filler: 20_000 });
    expect(r.ok, r.report).toBe(true);
    expect(r.ops).toBe(4000);
    // the workload really ran during the full sync
    expect(r.opsDuringFull, r.report).toBeGreaterThan(0);
  }, 150_000);
});
