import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll } from "../../testing/redis-harness";
import { corpusFiles, keyEvents, parseAll } from "../rdb/corpus.test-helper";
import { RdbParser } from "../rdb/parser";
import type { RdbKeyEvent } from "../rdb/types";
import { encodeCommand, type Arg } from "../resp/encoder";
import { RestoreCommand } from "./restore-command";
import { RestorePayload } from "./restore-payload";
import { PipelineConnection } from "../writer/connection";

afterAll(stopAll);

/** what the loader sent before: the generic encoding of the same arguments */
function generic(e: RdbKeyEvent, ttl: number, version: number, replace: boolean, absTtl: boolean, idle?: number, freq?: number): Buffer {
  const argv: Arg[] = ["RESTORE", e.key, String(ttl), new RestorePayload(e.raw, version)];
  if (replace) argv.push("REPLACE");
  if (absTtl) argv.push("ABSTTL");
  if (idle !== undefined) argv.push("IDLETIME", String(idle));
  else if (freq !== undefined) argv.push("FREQ", String(freq));
  return encodeCommand(argv);
}

function written(cmd: RestoreCommand): Buffer {
  const out = Buffer.alloc(cmd.byteLength + 6, 0xee);
  cmd.writeTo(out, 3);
  expect(out[2]).toBe(0xee);
  expect(out[3 + cmd.byteLength]).toBe(0xee);
  return out.subarray(3, 3 + cmd.byteLength);
}

describe("RestoreCommand", () => {
  it("writes exactly the generic encoding of RESTORE, from transient and from copied values, with every option", () => {
    const cmd = new RestoreCommand();
    const cases: Array<[number, boolean, boolean, number | undefined, number | undefined]> = [
      [0, false, false, undefined, undefined],
      [1_764_000_000_123, true, true, 12, undefined],
      [7, true, false, undefined, 255],
      [999_999_999, false, true, 0, undefined],
    ];
    let checked = 0;
    for (const f of corpusFiles()) {
      const copied = keyEvents(parseAll(f.data));
      let i = 0;
      const p = new RdbParser((e) => {
        if (e.kind !== "key") return;
        for (const [ttl, replace, absTtl, idle, freq] of cases) {
          const want = generic(copied[i], ttl, 10, replace, absTtl, idle, freq);
          expect(written(cmd.set(e, ttl, 10, replace, absTtl, idle, freq)).equals(want), `${f.name} key ${i} (transient)`).toBe(true);
          expect(written(cmd.set(copied[i], ttl, 9, replace, absTtl, idle, freq)).equals(generic(copied[i], ttl, 9, replace, absTtl, idle, freq)), `${f.name} key ${i} (copied)`).toBe(true);
          checked++;
        }
        i++;
      }, { transientValues: true });
      p.write(f.data);
      p.end();
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("is accepted by a server through the writer's connection: the value comes back as DUMP gave it", async () => {
    const node = await startRedis();
    const c = node.client();
    await c.hset("h", "f", "v", "g", "w");
    await c.set("s", "x".repeat(200));
    const conn = await PipelineConnection.open({ host: node.host, port: node.port });
    const replies: unknown[] = [];
    conn.sink = { onReply: (r) => void replies.push(r), onDrain() {}, onClose() {} };
    const cmd = new RestoreCommand();
    for (const key of ["h", "s"]) {
      const dump = (await c.dumpBuffer(key))!;
      const raw = dump.subarray(0, dump.length - 10);
      const e = { kind: "key", db: 0, key: Buffer.from(`${key}:copy`), rdbType: raw[0], type: "hash", expireAt: null, raw, rdbVersion: 10 } as RdbKeyEvent;
      conn.writeEncoded(cmd.set(e, 0, 10, true, false, undefined, undefined));
    }
    await c.ping();
    while (replies.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(replies).toEqual(["OK", "OK"]);
    for (const key of ["h", "s"]) expect((await c.dumpBuffer(`${key}:copy`))!.equals((await c.dumpBuffer(key))!)).toBe(true);
    conn.destroy();
  });
});
