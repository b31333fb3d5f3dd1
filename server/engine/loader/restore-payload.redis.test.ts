import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { RestorePayload } from "./restore-payload";

afterAll(stopAll);

describe("RestorePayload", () => {
  it("rebuilds exactly the DUMP payload a server produces from the serialized value", async () => {
    const node = await startRedis();
    const c = node.client();
    await c.set("s", "x".repeat(100));
    await c.rpush("l", "a", "b", "c");
    await c.hset("h", "f", "v");
    await c.zadd("z", 1, "m");
    for (const key of ["s", "l", "h", "z"]) {
      const dump = (await c.dumpBuffer(key))!;
      const raw = dump.subarray(0, dump.length - 10);
      const version = dump.readUInt16LE(dump.length - 10);
      expect(version).toBe(10);
      expect(new RestorePayload(raw, version).toBuffer().equals(dump), key).toBe(true);
      // a payload stamped with an older RDB version is accepted too (its CRC covers the new footer)
      await c.restore(`${key}:copy`, 0, new RestorePayload(raw, 9).toBuffer());
      expect(await c.type(`${key}:copy`)).toBe(await c.type(key));
    }
    await expect(c.restore("bad", 0, Buffer.concat([new RestorePayload(Buffer.from([0, 1, 65]), 10).toBuffer().subarray(0, 12), Buffer.from([0])]))).rejects.toThrow(/checksum/);
  });
});
