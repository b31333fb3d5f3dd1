import { afterEach, describe, expect, it } from "vitest";
import net from "node:net";
import { resp, startFakeMaster, type FakeMaster, type FakeMasterOptions } from "./fake-master";

/** The fake's own protocol, checked byte for byte with a raw socket. */

const RDB = Buffer.from("REDIS0006\xfe\x00\x00\x01k\x01v\xff", "latin1");
const masters: FakeMaster[] = [];
afterEach(async () => {
  await Promise.all(masters.splice(0).map((m) => m.close()));
});

async function fake(o: Omit<FakeMasterOptions, "rdb">): Promise<FakeMaster> {
  const m = await startFakeMaster({ rdb: RDB, ...o });
  masters.push(m);
  return m;
}

interface Raw {
  send(...argv: string[]): void;
  /** resolves once the bytes received so far (all of them) satisfy `check` */
  until(check: (text: string) => boolean): Promise<string>;
  closed: Promise<void>;
  text(): string;
}

function raw(m: FakeMaster): Raw {
  const socket = net.connect(m.port, m.host);
  let got = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  socket.on("data", (d) => {
    got = Buffer.concat([got, d]);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<void>((r) => socket.on("close", () => r()));
  return {
    send: (...argv) => socket.write(resp(...argv)),
    text: () => got.toString("latin1"),
    closed,
    until(check) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake master sent only ${JSON.stringify(got.toString("latin1"))}`)), 3000);
        const test = () => {
          if (check(got.toString("latin1"))) {
            clearTimeout(timer);
            resolve(got.toString("latin1"));
          } else waiters.push(test);
        };
        test();
      });
    },
  };
}

const rdbText = RDB.toString("latin1");
const setA = resp("SET", "a", "1").toString("latin1");

describe("fake master", () => {
  it("pre-2.8: no REPLCONF, no PSYNC, SYNC streams $len + RDB + commands, and answers replica commands inside the stream", async () => {
    const m = await fake({ style: "sync", stream: [["SET", "a", "1"]] });
    const c = raw(m);
    c.send("REPLCONF", "listening-port", "1");
    c.send("PSYNC", "?", "-1");
    await c.until((t) => t === "-ERR unknown command 'REPLCONF'\r\n-ERR unknown command 'PSYNC'\r\n");
    c.send("SYNC");
    const prefix = "-ERR unknown command 'REPLCONF'\r\n-ERR unknown command 'PSYNC'\r\n";
    await c.until((t) => t === `${prefix}$${RDB.length}\r\n${rdbText}${setA}`);
    c.send("REPLCONF", "ACK", "5");
    await c.until((t) => t.endsWith("-ERR unknown command 'REPLCONF'\r\n") && t.length > prefix.length + RDB.length);
    expect(m.fullSyncs).toBe(1);
  });

  it("2.8: capa refused, +FULLRESYNC then $len even with capa eof, +CONTINUE without replid, ACKs taken silently", async () => {
    const m = await fake({ style: "psync", initialOffset: 10, stream: [["SET", "a", "1"]] });
    const c = raw(m);
    c.send("REPLCONF", "capa", "eof", "capa", "psync2");
    c.send("PSYNC", "?", "-1");
    const full = `-ERR Unrecognized REPLCONF option: capa\r\n+FULLRESYNC ${m.replid} 10\r\n$${RDB.length}\r\n${rdbText}${setA}`;
    await c.until((t) => t === full);
    c.send("REPLCONF", "ACK", String(m.offset()));
    await new Promise((r) => setTimeout(r, 50));
    expect(c.text()).toBe(full);
    expect(m.acks).toEqual([m.offset()]);
    const d = raw(m);
    d.send("PSYNC", m.replid, "11");
    await d.until((t) => t === `+CONTINUE\r\n${setA}`);
    expect(m.partialSyncs).toBe(1);
  });

  it("4.0+ diskless: $EOF:<mark> + RDB + mark, the stream held until the first ACK; +CONTINUE <replid> for the previous replid", async () => {
    const m = await fake({ style: "psync2", diskless: true, initialOffset: 1, previous: { replid: "b".repeat(40), offset: 1 }, stream: [["SET", "a", "1"]] });
    const c = raw(m);
    c.send("REPLCONF", "capa", "eof", "capa", "psync2");
    c.send("PSYNC", "?", "-1");
    const text = await c.until((t) => /\$EOF:([0-9a-f]{40})\r\n[\s\S]*\1$/.test(t));
    const mark = /\$EOF:([0-9a-f]{40})/.exec(text)![1];
    expect(text).toBe(`+OK\r\n+FULLRESYNC ${m.replid} 1\r\n$EOF:${mark}\r\n${rdbText}${mark}`);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.text()).toBe(text);
    c.send("REPLCONF", "ACK", "0");
    await c.until((t) => t === text + setA);
    const d = raw(m);
    d.send("REPLCONF", "capa", "psync2");
    d.send("PSYNC", "b".repeat(40), "2");
    await d.until((t) => t === `+OK\r\n+CONTINUE ${m.replid}\r\n${setA}`);
  });

  it("drops the connection after exactly dropAfterBytes of payload; -LOADING first when asked", async () => {
    const m = await fake({ style: "psync", dropAfterBytes: 7, notReady: { error: "LOADING Redis is loading", times: 1 } });
    const a = raw(m);
    a.send("PSYNC", "?", "-1");
    await a.until((t) => t === "-LOADING Redis is loading\r\n");
    await a.closed;
    const b = raw(m);
    b.send("PSYNC", "?", "-1");
    await b.closed;
    const header = `+FULLRESYNC ${m.replid} 1\r\n`;
    expect(b.text()).toBe(header + `$${RDB.length}\r\n${rdbText}`.slice(0, 7));
  });
});
