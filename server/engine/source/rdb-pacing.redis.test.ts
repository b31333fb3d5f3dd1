import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { record, until, type Recording } from "./recording-handler.test-helper";
import { StreamGrowthProbe } from "./stream-growth-probe";

afterAll(stopAll);

const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "rdb-pacing-test-"));
afterAll(() => fs.rmSync(spoolDir, { recursive: true, force: true }));

/** A consumer at ~`bytesPerMs` through the RDB: it pauses the client after each piece. */
function slowRecording(o: { host: string; port: number; probe?: StreamGrowthProbe }, bytesPerMs: number): Recording {
  let rec!: Recording;
  rec = record(
    { host: o.host, port: o.port, spoolDir, spoolMemoryLimit: 2 << 20, streamProbe: o.probe },
    {
      rdbData: (chunk) => {
        rec.client.pause();
        setTimeout(() => rec.client.resume(), Math.max(1, Math.round(chunk.length / bytesPerMs)));
      },
    },
  );
  return rec;
}

describe("pacing a full sync's RDB (rdb-pacer.ts) against redis-server 7.0", () => {
  it("a quiet source's RDB is read at the consumer's pace: nothing spooled to disk, the RDB whole; without the probe it spools", async () => {
    const master = await startRedis({ config: { "enable-debug-command": "yes" } });
    await master.client().call("DEBUG", "POPULATE", "120000", "key", "100");
    const run = async (probe: StreamGrowthProbe | undefined, bytesPerMs: number) => {
      const rec = slowRecording({ host: master.host, port: master.port, probe }, bytesPerMs);
      await until(() => rec.rdbEnds === 1, "the RDB", 60_000);
      const stats = rec.client.stats();
      const rdb = rec.rdbBytes();
      rec.client.close();
      return { stats, rdb };
    };
    const paced = await run(new StreamGrowthProbe({ host: master.host, port: master.port }), 4_000); // ~4 MB/s
    expect(paced.stats.pacing.pauses).toBeGreaterThan(0);
    expect(paced.stats.pacing.stoppedBecause).toBeNull();
    expect(paced.stats.spool.spilledBytes).toBe(0);
    expect(paced.stats.spool.peakMemoryBytes).toBeLessThanOrEqual((1 << 20) + 128 * 1024);
    // slower still, so that a slow host's fork child still outruns the consumer by far: the spool's
    // memory fills (2 MiB) and the rest of the ~4 MB RDB goes to its file
    const unpaced = await run(undefined, 1_500);
    expect(unpaced.stats.pacing.pauses).toBe(0);
    expect(unpaced.stats.spool.peakMemoryBytes).toBeGreaterThan(3 << 19);
    expect(unpaced.stats.spool.spilledBytes).toBeGreaterThan(256 * 1024);
    // the same data either way (the header's ctime and aux fields aside, same size)
    expect(paced.rdb.length).toBeGreaterThan(3 << 20);
    expect(Math.abs(paced.rdb.length - unpaced.rdb.length)).toBeLessThan(256);
    expect(fs.readdirSync(spoolDir)).toEqual([]);
  }, 120_000);

  it("a source writing during the transfer ends the pacing past its budget (a quarter of a tight output-buffer limit), is not dropped, and every write arrives", async () => {
    const master = await startRedis({ config: { "enable-debug-command": "yes", "client-output-buffer-limit": "replica 4mb 2mb 2" } });
    await master.client().call("DEBUG", "POPULATE", "120000", "key", "100");
    const probe = new StreamGrowthProbe({ host: master.host, port: master.port });
    const rec = slowRecording({ host: master.host, port: master.port, probe }, 2_000); // ~2 MB/s: ~6 s paced
    await until(() => rec.full.length === 1, "FULLRESYNC");
    const w = master.client();
    const value = "w".repeat(10_000);
    let writes = 0;
    while (rec.rdbEnds === 0 && writes < 3000) {
      const p = w.pipeline();
      for (let i = 0; i < 10; i++) p.set(`w:${writes++}`, value);
      await p.exec();
      await new Promise((r) => setTimeout(r, 50));
    }
    await until(() => rec.commands.filter((x) => x.argv[1]?.toString().startsWith("w:")).length === writes, "every write", 60_000);
    expect(probe.budget).toBe(512 * 1024);
    const pacing = rec.client.stats().pacing;
    expect(pacing.stoppedBecause).toMatch(/wrote .* MiB to its replication stream .* budget 0\.5 MiB/);
    expect(rec.notices.some((n) => n.includes("reading the RDB at network speed"))).toBe(true);
    expect(rec.endedWith).toBeUndefined();
    const log = fs.readFileSync(path.join(master.dir, "redis.log"), "utf8");
    expect(log).not.toMatch(/output buffer limits|Connection with replica .* lost/);
    rec.client.close();
  }, 120_000);

  it("the probe reads the budget from the master's limits, and falls back to 4 MiB when CONFIG is renamed away", async () => {
    const open = await startRedis({ config: { "client-output-buffer-limit": "replica 0 0 0" } });
    const hidden = await startRedis({ config: { "rename-command": 'CONFIG ""' } });
    const a = new StreamGrowthProbe({ host: open.host, port: open.port });
    const b = new StreamGrowthProbe({ host: hidden.host, port: hidden.port });
    a.start();
    b.start();
    try {
      await until(() => a.growthSince(0) !== null && b.growthSince(0) !== null, "first samples");
      expect(a.budget).toBe(16 << 20);
      expect(b.budget).toBe(4 << 20);
      // (its growth under writes: the test above, where pacing ends on it)
    } finally {
      a.stop();
      b.stop();
    }
  }, 60_000);
});
