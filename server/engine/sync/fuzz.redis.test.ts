import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopAll } from "../../testing/redis-harness";
import { startEnv, type FuzzEnv } from "../../testing/fuzz/env";
import { LANDED_FIXES, profileFor, TOPOLOGIES, type TopologyName } from "../../testing/fuzz/profiles";
import { runFuzzRound } from "../../testing/fuzz/round";

/**
 * Differential fuzzing (issue 12): fixed seeds per topology, each a few thousand random operations
 * run during the full sync and after it through `redis-dts sync --json`, then both sides compared
 * key by key (type, value, TTL, stream groups) and library by library. A failure prints the seed,
 * the profile, the differing keys with both sides' values and the ops that touched them, and the
 * command that reproduces it (`npm run soak -- --seed S --topology T --rounds 1`).
 *
 * The profiles leave out what a topology cannot apply exactly (profiles.ts says what and why) and,
 * until their engine fixes land (LANDED_FIXES), the cases issue 12 lists as broken.
 * Seeds that once failed stay here as regressions: 1 (PFCOUNT into a cluster, cluster-cluster and
 * merged-cluster), 2 and 3 (standalone-standalone: SORT BY weights and BITFIELD OVERFLOW FAIL, which
 * Redis itself does not replicate exactly and the generator now leaves out).
 */

const SEEDS: Record<TopologyName, number[]> = {
  "standalone-standalone": [2, 3],
  "merged-cluster": [1, 11],
  "cluster-cluster": [1, 21],
  "cluster-standalone": [1, 31],
};

afterAll(stopAll);

describe.each(TOPOLOGIES)("fuzz %s", (topology) => {
  let env: FuzzEnv;
  beforeAll(async () => {
    env = await startEnv(profileFor(topology));
  });

  it.each(SEEDS[topology])(`seed %i: ${LANDED_FIXES.length ? `with ${LANDED_FIXES.join(", ")}` : "exact where the topology allows"}`, async (seed) => {
    const r = await runFuzzRound(env, { seed, opsDuringFull: 2000, opsAfter: 2000, filler: 20_000 });
    expect(r.ok, r.report).toBe(true);
    expect(r.ops).toBe(4000);
    // the workload really ran during the full sync, and the comparison saw the data
    expect(r.opsDuringFull, r.report).toBeGreaterThan(0);
  }, 150_000);
});
