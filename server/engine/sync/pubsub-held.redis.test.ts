import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll, waitFor } from "../../testing/redis-harness";
import { PubsubForwarder } from "./pubsub-forwarder";

/**
 * A task subscribes to a cluster source's messages while its precheck runs, and publishes nothing
 * on the destination before it passed (sync-task.ts: startGate): a held forwarder keeps what
 * arrives, in order, until release(); stopped before that, it publishes none of it.
 */
afterAll(stopAll);

async function setup(held: boolean) {
  const [source, target] = await Promise.all([startRedis(), startRedis()]);
  const got: string[] = [];
  const listener = target.client().duplicate();
  await listener.subscribe("ch");
  listener.on("message", (_c: string, m: string) => got.push(m));
  const ep = (n: typeof source) => ({ host: n.host, port: n.port, mode: "standalone" as const });
  const fwd = new PubsubForwarder({ source: ep(source), sourceNodes: () => [ep(source)], target: ep(target), log: () => {}, held });
  fwd.start();
  await waitFor(() => fwd.status().link === "up", 5000, "the forwarder to subscribe and connect");
  return { source, got, fwd, close: () => listener.disconnect() };
}

describe("a held pub/sub forwarder", () => {
  it("publishes nothing until released, then every message in order, then as they come", async () => {
    const { source, got, fwd, close } = await setup(true);
    for (let i = 0; i < 5; i++) await source.client().publish("ch", `m${i}`);
    // a round trip on the destination after them: anything published by mistake has landed
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual([]);
    fwd.release();
    await source.client().publish("ch", "after");
    await waitFor(() => got.length === 6, 5000, "the held messages and the next one");
    expect(got).toEqual(["m0", "m1", "m2", "m3", "m4", "after"]);
    expect(fwd.status().forwarded).toBe(6);
    await fwd.stop();
    close();
  });

  it("stopped before its release: none of what it held is published", async () => {
    const { source, got, fwd, close } = await setup(true);
    for (let i = 0; i < 3; i++) await source.client().publish("ch", `m${i}`);
    await new Promise((r) => setTimeout(r, 100));
    await fwd.stop();
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual([]);
    close();
  });
});
