import net from "node:net";
import { randomBytes } from "node:crypto";
import { RespDecoder } from "../engine/resp/decoder";
import { encodeCommand } from "../engine/resp/encoder";

/**
 * A scripted TCP master for tests of the replication client, replaying the protocol of Redis
 * versions we cannot run here:
 * - "sync": before 2.8. No PSYNC, no REPLCONF (`-ERR unknown command`); SYNC answers `$len` + RDB +
 *   stream. Anything the replica sends afterwards is answered INSIDE the stream, as 2.6 did, so a
 *   client that sends REPLCONF ACK to such a master corrupts its own stream (tests catch that).
 * - "psync": 2.8. PSYNC without psync2 (`REPLCONF capa` is an error), always `$len`, the stream
 *   follows the RDB at once, `+CONTINUE` without replid.
 * - "psync3": 3.0 to 3.2. Takes `capa eof` (diskless `$EOF:` possible), silently ignores `capa psync2`,
 *   `+CONTINUE` without replid.
 * - "psync2": 4.0 to 6.x. capa accepted; `$EOF:<mark>` when the replica has capa eof and the master is
 *   diskless, then the stream only after the replica's first REPLCONF ACK; `+CONTINUE <replid>`, and a
 *   previous replid accepted up to its offset (after a failover).
 *
 * The RDB is a snapshot at `initialOffset`; the scripted stream follows it and grows with write().
 * Knobs for failures: keep-alive newlines, -LOADING/-NOMASTERLINK for the first attempts, a corrupt
 * RDB, silence at a chosen step, a connection dropped after a chosen byte of the payload.
 */
export type FakeMasterStyle = "sync" | "psync" | "psync3" | "psync2";

export interface FakeMasterOptions {
  style: FakeMasterStyle;
  rdb: Buffer;
  /** commands after the RDB (argv lists, or raw bytes sent as is) */
  stream?: (string[] | Buffer)[];
  replid?: string;
  initialOffset?: number;
  /** psync2 only: the replid before a failover, accepted for +CONTINUE up to this offset */
  previous?: { replid: string; offset: number };
  /** psync3 / psync2: send `$EOF:` when the replica announced capa eof */
  diskless?: boolean;
  /** requirepass; with `username` an ACL user (6.0+) */
  password?: string;
  username?: string;
  /** bare "\n" sent before +FULLRESYNC and before the payload, 20 ms apart */
  keepAlives?: number;
  /** answer PSYNC (or SYNC) with this error for the first `times` attempts */
  notReady?: { error: string; times: number };
  /** flip bytes in the middle of the RDB (the length stays right) */
  corruptRdb?: boolean;
  /** stop answering: right after accepting, after +FULLRESYNC, or after the RDB and stream */
  silent?: "accept" | "after-fullresync" | "after-payload";
  /** stop answering once this handshake command arrives (a hung or filtering server) */
  silentAt?: "auth" | "replconf" | "psync";
  /** close the connection after this many bytes following the PSYNC/SYNC reply line */
  dropAfterBytes?: number;
}

export interface FakeMaster {
  host: string;
  port: number;
  replid: string;
  /** offset after the last stream byte */
  offset(): number;
  connections: number;
  fullSyncs: number;
  partialSyncs: number;
  /** every command replicas sent, as strings */
  received: string[][];
  /** offsets of REPLCONF ACKs received */
  acks: number[];
  /** append commands to the stream; sent to the replicas that are streaming */
  write(...commands: (string[] | Buffer)[]): void;
  close(): Promise<void>;
}

interface Link {
  socket: net.Socket;
  capaEof: boolean;
  capaPsync2: boolean;
  authed: boolean;
  /** null: not streaming yet; else the stream position (offset) it has been sent up to */
  sentUpTo: number | null;
  waitingAck: boolean;
  budget: number;
  silent: boolean;
}

export async function startFakeMaster(o: FakeMasterOptions): Promise<FakeMaster> {
  const replid = o.replid ?? randomBytes(20).toString("hex");
  const base = o.initialOffset ?? 1;
  let stream = Buffer.concat((o.stream ?? []).map(toBytes));
  let notReadyLeft = o.notReady?.times ?? 0;
  const links = new Set<Link>();
  const sockets = new Set<net.Socket>();

  const fm: FakeMaster = {
    host: "127.0.0.1",
    port: 0,
    replid,
    offset: () => base + stream.length,
    connections: 0,
    fullSyncs: 0,
    partialSyncs: 0,
    received: [],
    acks: [],
    write(...commands) {
      stream = Buffer.concat([stream, ...commands.map(toBytes)]);
      for (const link of links) flushStream(link);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const send = (link: Link, bytes: Buffer): void => {
    if (link.silent || link.socket.destroyed || bytes.length === 0) return;
    if (link.budget <= bytes.length) {
      // the scripted drop: the first `dropAfterBytes` bytes of the payload, then FIN
      link.socket.end(bytes.subarray(0, link.budget));
      link.budget = 0;
      link.silent = true;
      return;
    }
    link.budget -= bytes.length;
    link.socket.write(bytes);
  };

  const flushStream = (link: Link): void => {
    if (link.sentUpTo === null || link.waitingAck) return;
    const from = link.sentUpTo - base;
    if (from < stream.length) send(link, stream.subarray(from));
    link.sentUpTo = base + stream.length;
  };

  const keepAlives = async (link: Link): Promise<void> => {
    for (let i = 0; i < (o.keepAlives ?? 0); i++) {
      link.socket.write("\n");
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const fullSync = async (link: Link, header: string | null): Promise<void> => {
    fm.fullSyncs++;
    await keepAlives(link);
    if (header !== null) link.socket.write(header);
    if (o.silent === "after-fullresync") return void (link.silent = true);
    await keepAlives(link);
    link.budget = o.dropAfterBytes ?? Infinity;
    let rdb = o.rdb;
    if (o.corruptRdb) {
      rdb = Buffer.from(rdb);
      for (let i = Math.floor(rdb.length / 2); i < Math.min(rdb.length - 9, Math.floor(rdb.length / 2) + 8); i++) rdb[i] ^= 0x5a;
    }
    const eof = (o.style === "psync2" || o.style === "psync3") && o.diskless === true && link.capaEof;
    if (eof) {
      const mark = Buffer.from(randomBytes(20).toString("hex"));
      send(link, Buffer.concat([Buffer.from(`$EOF:${mark}\r\n`), rdb, mark]));
      link.waitingAck = true; // like a real diskless master: the stream starts on the first ACK
    } else {
      send(link, Buffer.concat([Buffer.from(`$${rdb.length}\r\n`), rdb]));
    }
    link.sentUpTo = base;
    flushStream(link);
    if (o.silent === "after-payload") link.silent = true;
  };

  const onCommand = (link: Link, argv: string[]): void => {
    fm.received.push(argv);
    const name = argv[0]?.toLowerCase();
    const reply = (text: string) => !link.silent && link.socket.write(text);
    if (link.sentUpTo !== null) {
      // A replica streaming: 2.8+ masters take REPLCONF ACK silently; 2.6 answers everything.
      if (o.style === "sync") return void send(link, Buffer.from(`-ERR unknown command '${argv[0]}'\r\n`));
      if (name === "replconf" && argv[1]?.toLowerCase() === "ack") {
        fm.acks.push(Number(argv[2]));
        if (link.waitingAck) {
          link.waitingAck = false;
          flushStream(link);
        }
      }
      return;
    }
    if (o.silent === "accept" || link.silent) return;
    if (o.silentAt === name) return void (link.silent = true);
    const needAuth = o.password !== undefined && !link.authed;
    if (name === "ping") return void reply(needAuth ? "-NOAUTH Authentication required.\r\n" : "+PONG\r\n");
    if (name === "auth") {
      const [user, pass] = argv.length === 3 ? [argv[1], argv[2]] : [undefined, argv[1]];
      if (o.password === undefined) return void reply("-ERR Client sent AUTH, but no password is set\r\n");
      if (argv.length === 3 && o.style !== "psync2") return void reply("-ERR wrong number of arguments for 'auth' command\r\n");
      if (pass !== o.password || user !== o.username) return void reply(o.style === "psync2" ? "-WRONGPASS invalid username-password pair\r\n" : "-ERR invalid password\r\n");
      link.authed = true;
      return void reply("+OK\r\n");
    }
    if (needAuth) return void reply("-NOAUTH Authentication required.\r\n");
    if (name === "replconf") {
      if (o.style === "sync") return void reply("-ERR unknown command 'REPLCONF'\r\n");
      const sub = argv[1]?.toLowerCase();
      if (sub === "listening-port") return void reply("+OK\r\n");
      if (sub === "capa") {
        if (o.style === "psync") return void reply("-ERR Unrecognized REPLCONF option: capa\r\n");
        for (let i = 2; i < argv.length; i++) {
          if (argv[i] === "eof") link.capaEof = true;
          if (argv[i] === "psync2" && o.style === "psync2") link.capaPsync2 = true;
        }
        return void reply("+OK\r\n");
      }
      return void reply(`-ERR Unrecognized REPLCONF option: ${argv[1]}\r\n`);
    }
    if (name === "info") {
      // What discovery needs from a master of this era (the engine reads version, role and offsets).
      const version = { sync: "2.6.17", psync: "2.8.24", psync3: "3.2.12", psync2: "5.0.14" }[o.style];
      const text = [
        "# Server", `redis_version:${version}`, "redis_mode:standalone", `run_id:${"f".repeat(40)}`, "",
        "# Replication", "role:master", "connected_slaves:0",
        ...(o.style === "sync" ? [] : [`master_replid:${replid}`, `master_repl_offset:${base + stream.length}`]), "",
        "# Cluster", "cluster_enabled:0", "",
      ].join("\r\n");
      return void reply(`$${Buffer.byteLength(text)}\r\n${text}\r\n`);
    }
    if (name === "psync" || name === "sync") {
      if (name === "psync" && o.style === "sync") return void reply("-ERR unknown command 'PSYNC'\r\n");
      if (notReadyLeft > 0) {
        notReadyLeft--;
        reply(`-${o.notReady!.error}\r\n`);
        link.socket.end();
        return;
      }
      if (name === "sync") return void fullSync(link, null);
      const [id, from] = [argv[1], Number(argv[2])];
      const end = base + stream.length;
      const inRange = from >= base && from <= end + 1;
      const current = id === replid && inRange;
      const previous = o.style === "psync2" && o.previous !== undefined && id === o.previous.replid && inRange && from <= o.previous.offset + 1;
      if (current || previous) {
        fm.partialSyncs++;
        reply(o.style === "psync2" && link.capaPsync2 ? `+CONTINUE ${replid}\r\n` : "+CONTINUE\r\n");
        link.budget = o.dropAfterBytes ?? Infinity;
        link.sentUpTo = from - 1;
        return void flushStream(link);
      }
      return void fullSync(link, `+FULLRESYNC ${replid} ${base}\r\n`);
    }
    reply(`-ERR unknown command '${argv[0]}'\r\n`);
  };

  const server = net.createServer((socket) => {
    fm.connections++;
    sockets.add(socket);
    const link: Link = { socket, capaEof: false, capaPsync2: false, authed: false, sentUpTo: null, waitingAck: false, budget: Infinity, silent: false };
    links.add(link);
    const decoder = new RespDecoder((value) => {
      if (Array.isArray(value)) onCommand(link, value.map((v) => (Buffer.isBuffer(v) ? v.toString("latin1") : String(v))));
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        decoder.write(chunk);
      } catch {
        socket.destroy();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      links.delete(link);
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fm.port = (server.address() as net.AddressInfo).port;
  return fm;
}

function toBytes(c: string[] | Buffer): Buffer {
  return Buffer.isBuffer(c) ? c : encodeCommand(c);
}

/** RESP of one command, for scripted streams and offset arithmetic in tests */
export function resp(...argv: string[]): Buffer {
  return encodeCommand(argv);
}
