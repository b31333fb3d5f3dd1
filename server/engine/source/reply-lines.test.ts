import { describe, expect, it } from "vitest";
import { DtsError } from "../../errors";
import { ReplyLines } from "./reply-lines";

const timeout = () => new DtsError("TIMEOUT", "silent");
const notRedis = (seen: string) => new DtsError("NOT_REDIS", `saw ${seen}`);

describe("handshake reply lines", () => {
  it("skips keep-alive newlines, joins a line split anywhere, leaves the rest for the transfer", async () => {
    const input = Buffer.from("\n\n+FULLRESYNC abc 7\r\n\n$EOF:xyz\r\nREDIS");
    for (let cut = 0; cut <= input.length; cut++) {
      const lines = new ReplyLines();
      const first = lines.next(1000, timeout, notRedis);
      lines.feed(input.subarray(0, cut));
      lines.feed(input.subarray(cut));
      expect(await first).toBe("+FULLRESYNC abc 7");
      expect(await lines.next(1000, timeout, notRedis)).toBe("$EOF:xyz");
      expect(lines.takeRest().toString()).toBe("REDIS");
    }
  });

  it("times out on silence, but every byte (a keep-alive too) restarts the clock", async () => {
    const lines = new ReplyLines();
    // 6 x 100 ms of keep-alives outlast a 400 ms silence limit
    const reply = lines.next(400, timeout, notRedis);
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      lines.feed(Buffer.from("\n"));
    }
    lines.feed(Buffer.from("+OK\r\n"));
    expect(await reply).toBe("+OK");
    await expect(lines.next(30, timeout, notRedis)).rejects.toMatchObject({ code: "TIMEOUT" });
  });

  it("rejects what is not a RESP reply, showing its first line in printable form", async () => {
    const lines = new ReplyLines();
    const reply = lines.next(1000, timeout, notRedis);
    lines.feed(Buffer.from("SSH-2.0-OpenSSH_9.2\x00\r\nmore"));
    await expect(reply).rejects.toThrow("saw SSH-2.0-OpenSSH_9.2?");
  });

  it("a closed connection fails the pending read and the later ones", async () => {
    const lines = new ReplyLines();
    const reply = lines.next(1000, timeout, notRedis);
    lines.feed(Buffer.from("+PAR"));
    lines.fail(new DtsError("CONNECT_FAILED", "closed"));
    await expect(reply).rejects.toThrow("closed");
    await expect(lines.next(1000, timeout, notRedis)).rejects.toThrow("closed");
  });
});
