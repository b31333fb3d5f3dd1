import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { startRedis, stopAll, type RedisNode } from "../../../testing/redis-harness";
import { endpointOf, item, precheck } from "../test-pair";

// Valkey 8 (Debian bookworm-backports) is the second implementation on these machines; see
// /work/shared/notes/toolchain.md. Without it the cross-implementation cases cannot run.
const hasValkey = spawnSync("valkey-server", ["--version"]).status === 0;

let redis: RedisNode;
let redis2: RedisNode;
let valkey: RedisNode | undefined;

beforeAll(async () => {
  redis = await startRedis();
  redis2 = await startRedis();
  if (hasValkey) valkey = await startRedis({ binary: "valkey-server" });
}, 60_000);
afterAll(stopAll);

describe("versions", () => {
  it("passes a supported source and a destination of the same version", async () => {
    const r = await precheck({ source: endpointOf(redis), target: endpointOf(redis2) });
    expect(item(r, "source_version")).toMatchObject({ status: "passed", message: expect.stringMatching(/^The source runs Redis 7\.\d+\.\d+ \(1 node\); supported\.$/) });
    expect(item(r, "target_version")).toMatchObject({ status: "passed", message: expect.stringMatching(/same as or later than the source's Redis 7/) });
  });

  it.skipIf(!hasValkey)("warns when the destination is another implementation (Valkey)", async () => {
    const r = await precheck({ source: endpointOf(redis), target: endpointOf(valkey!) });
    const v = item(r, "target_version");
    expect(v.status).toBe("warning");
    expect(v.message).toMatch(/^The source runs Redis 7\.0\.\d+ and the destination Valkey 8\.\d+\.\d+ \(Redis 7\.2\.\d+ compatible\): a different implementation/);
    expect(item(r, "source_version").status).toBe("passed");
  });

  it.skipIf(!hasValkey)("fails a destination older than the source (Valkey 8 speaks Redis 7.2; Redis 7.0 is older)", async () => {
    const r = await precheck({ source: endpointOf(valkey!), target: endpointOf(redis) });
    expect(item(r, "source_version").message).toMatch(/The source runs Valkey 8\.\d+\.\d+/);
    const v = item(r, "target_version");
    expect(v.status).toBe("failed");
    expect(v.message).toMatch(/^The destination 127\.0\.0\.1:\d+ runs Redis 7\.0\.\d+, older than the source's Valkey 8\.\d+\.\d+/);
    expect(v.fix).toMatch(/running 7\.2 or later/);
  });
});
