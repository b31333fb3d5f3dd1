import type net from "node:net";
import { DtsError } from "../../errors";
import { encodeCommand } from "../resp/encoder";
import { seconds } from "./connect";
import type { ReplyLines } from "./reply-lines";
import type { ContinueInfo, FullResyncInfo, PsyncProtocol, ReplicationCheckpoint } from "./types";

export interface HandshakeOptions {
  label: string;
  username?: string;
  password?: string;
  checkpoint?: ReplicationCheckpoint;
  listeningPort: number;
  handshakeTimeoutMs: number;
  readTimeoutMs: number;
  notice: (message: string) => void;
  /**
   * What the handshake waits for while the master prepares: "psync" (no answer to PSYNC yet: a
   * diskless master waits repl-diskless-sync-delay for more replicas), "rdb" (+FULLRESYNC came, the
   * payload has not: the master saves the RDB to disk first), null once it goes on.
   */
  waiting?: (step: "psync" | "rdb" | null) => void;
}

export interface RdbPreamble {
  transfer: "length" | "eof";
  rdbLength: number | null;
  /** the 40 bytes that end a diskless transfer */
  eofMark: Buffer | null;
}

export type HandshakeResult =
  /** `replconf`: the master knows REPLCONF, so it accepts (and never answers) REPLCONF ACK */
  | { kind: "full"; info: FullResyncInfo; preamble: RdbPreamble; replconf: boolean; rest: Buffer }
  | { kind: "continue"; info: ContinueInfo; replconf: boolean; rest: Buffer }
  | { kind: "retry"; reason: string };

/**
 * The replica side of the handshake, one step at a time like a real replica (each step gets its own
 * timeout and its own sentence when it fails): PING, AUTH, REPLCONF listening-port, REPLCONF capa,
 * PSYNC (or SYNC for masters older than 2.8), then the RDB preamble of a full resync.
 */
export async function replicaHandshake(socket: net.Socket, lines: ReplyLines, o: HandshakeOptions): Promise<HandshakeResult> {
  const ask = (argv: string[], step: string, timeoutMs = o.handshakeTimeoutMs): Promise<string> => {
    socket.write(encodeCommand(argv));
    return readReply(step, timeoutMs);
  };
  const readReply = (step: string, timeoutMs: number): Promise<string> =>
    lines.next(
      timeoutMs,
      () => new DtsError("TIMEOUT", `the source ${o.label} did not answer ${step} within ${seconds(timeoutMs)}`),
      (seen) => new DtsError("NOT_REDIS", `the source ${o.label} does not speak the Redis protocol: it answered "${seen}" to ${step}`),
    );
  const noPermission = (step: string, reply: string) =>
    new DtsError("AUTH_FAILED", `the source user has no permission to run ${step} on ${o.label} (${reply.slice(1)}): a replication user needs +psync +replconf +ping`);
  const needsPassword = () => new DtsError("AUTH_FAILED", `the source ${o.label} requires a password`);

  // PING first: it tells a Redis server from anything else before credentials are sent.
  const pong = await ask(["PING"], "PING");
  let authRequired = false;
  if (pong.startsWith("-NOAUTH") || pong.startsWith("-ERR operation not permitted")) authRequired = true;
  else if (pong.startsWith("-") && !pong.startsWith("-NOPERM")) {
    throw new DtsError("CONNECT_FAILED", `the source ${o.label} refused the connection: ${pong.slice(1)}`);
  } else if (!pong.startsWith("+") && !pong.startsWith("-")) {
    throw new DtsError("NOT_REDIS", `the source ${o.label} answered PING with "${pong.slice(0, 60)}"`);
  }

  if (o.password !== undefined) {
    const argv = o.username !== undefined ? ["AUTH", o.username, o.password] : ["AUTH", o.password];
    const auth = await ask(argv, "AUTH");
    if (/no password is set|without any password configured/i.test(auth)) {
      o.notice(`the source ${o.label} has no password set; the given password was not needed`);
    } else if (/wrong number of arguments/i.test(auth) && o.username !== undefined) {
      throw new DtsError("AUTH_FAILED", `the source ${o.label} does not know ACL users (Redis before 6): give only a password`);
    } else if (auth.startsWith("-")) {
      const who = o.username !== undefined ? "user name or password" : "password";
      throw new DtsError("AUTH_FAILED", `authentication to the source ${o.label} failed: wrong ${who} (${auth.slice(1, 80)})`);
    }
  } else if (authRequired) throw needsPassword();

  // REPLCONF errors are not fatal (as in a real replica): 2.8 knows listening-port but not capa,
  // and before 2.8 there is no REPLCONF at all, in which case we must never send REPLCONF ACK either:
  // such a master would answer it with an error inside the replication stream.
  let replconf = true;
  const port = await ask(["REPLCONF", "listening-port", String(o.listeningPort)], "REPLCONF listening-port");
  if (port.startsWith("-NOPERM")) throw noPermission("REPLCONF", port);
  if (port.startsWith("-NOAUTH")) throw needsPassword();
  if (/^-ERR unknown command/i.test(port)) replconf = false;
  if (replconf) {
    // 2.8 refuses capa; 3.x takes eof and ignores psync2; 4.0+ takes both. Either way PSYNC follows.
    const capa = await ask(["REPLCONF", "capa", "eof", "capa", "psync2"], "REPLCONF capa");
    if (capa.startsWith("-NOPERM")) throw noPermission("REPLCONF", capa);
  }

  // PSYNC's answer can take a while (a diskless master waits repl-diskless-sync-delay for more
  // replicas, sending "\n" meanwhile): from here on the silence limit is the replication timeout.
  const cp = o.checkpoint;
  const psyncArgs = cp ? ["PSYNC", cp.replid, String(cp.offset + 1)] : ["PSYNC", "?", "-1"];
  o.waiting?.("psync");
  const reply = await ask(psyncArgs, "PSYNC", o.readTimeoutMs);
  const protocol: PsyncProtocol = "psync";
  if (reply.startsWith("+FULLRESYNC")) {
    const m = /^\+FULLRESYNC ([0-9A-Za-z]{1,64}) (\d{1,19})$/.exec(reply);
    if (!m) throw new DtsError("PROTOCOL_ERROR", `the source ${o.label} sent a malformed PSYNC reply: "${reply.slice(0, 80)}"`);
    const offset = Number(m[2]);
    if (!Number.isSafeInteger(offset)) throw new DtsError("PROTOCOL_ERROR", `the source ${o.label} announced an impossible offset ${m[2]}`);
    o.waiting?.("rdb");
    const preamble = await readPreamble(readReply, o);
    o.waiting?.(null);
    if ("retry" in preamble) return { kind: "retry", reason: preamble.retry };
    const info: FullResyncInfo = { replid: m[1], offset, protocol, transfer: preamble.transfer, rdbLength: preamble.rdbLength };
    return { kind: "full", info, preamble, replconf, rest: lines.takeRest() };
  }
  o.waiting?.(null);
  if (reply.startsWith("+CONTINUE")) {
    if (!cp) throw new DtsError("PROTOCOL_ERROR", `the source ${o.label} answered +CONTINUE to a PSYNC without checkpoint`);
    const m = /^\+CONTINUE(?: ([0-9A-Za-z]{1,64}))?\s*$/.exec(reply);
    if (!m) throw new DtsError("PROTOCOL_ERROR", `the source ${o.label} sent a malformed PSYNC reply: "${reply.slice(0, 80)}"`);
    // "+CONTINUE <replid>" is psync2 (the id may be new after a failover); bare "+CONTINUE" keeps it.
    const info: ContinueInfo = { replid: m[1] ?? cp.replid, previousReplid: cp.replid, offset: cp.offset, protocol: m[1] ? "psync2" : protocol };
    return { kind: "continue", info, replconf, rest: lines.takeRest() };
  }
  if (reply.startsWith("-NOMASTERLINK") || reply.startsWith("-LOADING")) return { kind: "retry", reason: reply.slice(1) };
  if (reply.startsWith("-NOPERM")) throw noPermission("PSYNC", reply);
  if (reply.startsWith("-NOAUTH")) throw needsPassword();
  if (!reply.startsWith("-")) throw new DtsError("PROTOCOL_ERROR", `the source ${o.label} sent an unexpected reply to PSYNC: "${reply.slice(0, 80)}"`);

  // Any other error means the master does not know PSYNC (before 2.8): the replica falls back to
  // SYNC, which answers with the payload directly. There is no replid, so offsets start at 0 here.
  o.notice(`the source ${o.label} does not support PSYNC (${reply.slice(1, 80)}); using SYNC, so every reconnection is a full synchronization`);
  socket.write(encodeCommand(["SYNC"]));
  const preamble = await readPreamble(readReply, o, "SYNC");
  if ("retry" in preamble) return { kind: "retry", reason: preamble.retry };
  const info: FullResyncInfo = { replid: "?", offset: 0, protocol: "sync", transfer: preamble.transfer, rdbLength: preamble.rdbLength };
  return { kind: "full", info, preamble, replconf, rest: lines.takeRest() };
}

async function readPreamble(
  readReply: (step: string, timeoutMs: number) => Promise<string>,
  o: HandshakeOptions,
  step = "the RDB transfer",
): Promise<RdbPreamble | { retry: string }> {
  const line = await readReply(step, o.readTimeoutMs);
  if (line.startsWith("$EOF:")) {
    const mark = line.slice(5);
    if (mark.length !== 40) throw new DtsError("PROTOCOL_ERROR", `the source ${o.label} sent a diskless marker of ${mark.length} bytes instead of 40`);
    return { transfer: "eof", rdbLength: null, eofMark: Buffer.from(mark, "latin1") };
  }
  const len = /^\$(\d{1,19})$/.exec(line);
  if (len) {
    const n = Number(len[1]);
    if (!Number.isSafeInteger(n)) throw new DtsError("PROTOCOL_ERROR", `the source ${o.label} announced an RDB of ${len[1]} bytes`);
    return { transfer: "length", rdbLength: n, eofMark: null };
  }
  if (/^-(LOADING|NOMASTERLINK)|^-ERR Can't SYNC while not connected/i.test(line)) return { retry: line.slice(1) };
  if (line.startsWith("-")) throw new DtsError("CONNECT_FAILED", `the source ${o.label} refused to send its data: ${line.slice(1, 120)}`);
  throw new DtsError("PROTOCOL_ERROR", `the source ${o.label} sent "${line.slice(0, 60)}" where the RDB transfer should start`);
}
