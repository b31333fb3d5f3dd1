import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopAll } from "../../testing/redis-harness";
import { startEnv, type FuzzEnv } from "../../testing/fuzz/env";
import { enabledFixes, profileFor } from "../../testing/fuzz/profiles";
import { Keyspace } from "../../testing/fuzz/keyspace";
import { runFuzzRound } from "../../testing/fuzz/round";

/**
 * The seeded differential fuzz (issue 12) with a key filter (issue 17): a cluster source, where every
 * op's keys share one hash tag, and a filter that leaves out whole tags, so no op ties included keys
 * to excluded ones and the round must be exact: the destination equals the source on the included
 * keys (the comparison honours the filter), and the engine reports nothing.
 */
afterAll(stopAll);

describe("fuzz cluster-standalone with a key filter", () => {
  const profile = profileFor("cluster-standalone", enabledFixes());
  let env: FuzzEnv;
  beforeAll(async () => {
    env = await startEnv(profile);
  });

  it("seed 1, excluding two of the workload's hash tags", async () => {
    const tags = new Keyspace(profile).tags;
    const keyFilter = { include: [], exclude: [`*{${tags[1]}}*`, `*{${tags[tags.length - 2]}}*`] };
    const r = await runFuzzRound(env, { seed: 1, profile, opsDuringFull: 2000, opsAfter: 2000, filler: 20_000, keyFilter });
    expect(r.ok, r.report).toBe(true);
    expect(r.ops).toBe(4000);
    expect(r.opsDuringFull, r.report).toBeGreaterThan(0);
    // the filter did leave keys out: the source holds keys of the excluded tags, the destination none
    const count = async (nodes: typeof env.source.masters) => {
      let n = 0;
      for (const node of nodes) for (const g of keyFilter.exclude) n += (await node.client().keys(g)).length;
      return n;
    };
    expect(await count(env.source.masters)).toBeGreaterThan(0);
    expect(await count(env.target.masters)).toBe(0);
  }, 200_000);
});
