import calculateSlot from "cluster-key-slot";
import type { Cluster, Redis } from "ioredis";
import { tmpKeyInSlot } from "../own-keys";
import { georadiusKeys, sortKeys, sortNeedsOtherKeys } from "../commands/keyword-keys";
import type { StoreLayout } from "../commands/command-spec";

/**
 * Exact emulation of multi-key commands whose keys live in different slots of a cluster destination.
 * Runs only after every earlier write was acknowledged (the caller drains the writer first), through a
 * control client that routes by key. Reads the inputs from the destination itself: it already holds
 * exactly what the source held before this command.
 *
 * - move: RENAME/COPY become DUMP + RESTORE (+ DEL); list and set moves become pop + push.
 * - colocate: store commands run on temporary copies of their inputs placed in the slot of the key
 *   they write, so Redis computes the result itself (same semantics, same encoding). The copies are
 *   named under `tmpPrefix` (the task's own keys, own-keys.ts) and deleted at once.
 */

type Client = Redis | Cluster;
const b = (s: string | number) => Buffer.from(String(s));

export class EmulationError extends Error {}

/**
 * How an emulation's writes reach the destination. With fences (fence.ts) each write is the n-th
 * fenced write of its command, so a replay after a restart skips every write that ran: an emulation
 * cut short by a crash completes, one that ran is not run again. `replaying`: the command may have
 * run already, so an input found missing is no divergence (the emulation moved it).
 */
export interface EmulationWrites {
  /** the write as sent: wrapped in its fence, or as it is */
  wrap(argv: Buffer[], key: Buffer, n: number): Buffer[];
  replaying: boolean;
}

const PLAIN: EmulationWrites = { wrap: (argv) => argv, replaying: false };

async function send(client: Client, argv: Buffer[]): Promise<unknown> {
  return client.callBuffer(argv[0].toString(), ...argv.slice(1));
}

/** `layout`: which key a command outside the table writes and which it reads (from the server's key specs) */
export async function emulate(client: Client, name: string, argv: Buffer[], tmpPrefix: string, w: EmulationWrites = PLAIN, layout?: StoreLayout): Promise<void> {
  switch (name) {
    case "rename":
    case "renamenx":
      return moveValue(client, argv[1], argv[2], true, w);
    case "copy":
      return moveValue(client, argv[1], argv[2], false, w);
    case "rpoplpush":
    case "brpoplpush":
      return popPush(client, argv[1], argv[2], "right", "left", w);
    case "lmove":
    case "blmove":
      return popPush(client, argv[1], argv[2], side(argv[3]), side(argv[4]), w);
    case "smove": {
      // the source replicates SMOVE only when it moved the member: both halves are due
      await send(client, w.wrap([b("SREM"), argv[1], argv[3]], argv[1], 0));
      await send(client, w.wrap([b("SADD"), argv[2], argv[3]], argv[2], 1));
      return;
    }
    default:
      return colocate(client, argv, tmpPrefix, w, layout ?? storeLayout(name, argv));
  }
}

function side(arg: Buffer | undefined): "left" | "right" {
  const s = arg?.toString().toLowerCase();
  if (s !== "left" && s !== "right") throw new EmulationError("LMOVE without LEFT/RIGHT");
  return s;
}

async function moveValue(client: Client, from: Buffer, to: Buffer, deleteSource: boolean, w: EmulationWrites): Promise<void> {
  const [payload, pttl] = await Promise.all([client.callBuffer("DUMP", from) as Promise<Buffer | null>, client.call("PTTL", from)]);
  if (payload === null) {
    // a replay of a move that ran: its source is gone, its destination written (and fenced)
    if (w.replaying) return;
    // The source only replicates a successful RENAME/COPY, so a missing input means the destination diverged.
    throw new EmulationError(`key ${from.toString()} to be moved does not exist on the destination`);
  }
  const ttl = Number(pttl) > 0 ? Date.now() + Number(pttl) : 0;
  await send(client, w.wrap([b("RESTORE"), to, b(ttl), payload, b("REPLACE"), ...(ttl > 0 ? [b("ABSTTL")] : [])], to, 0));
  if (deleteSource) await send(client, w.wrap([b("DEL"), from], from, 1));
}

/** Reads the element first and writes both halves fenced: a crash between them cannot lose or double it. */
async function popPush(client: Client, from: Buffer, to: Buffer, fromSide: "left" | "right", toSide: "left" | "right", w: EmulationWrites): Promise<void> {
  const value = (await client.callBuffer("LINDEX", from, fromSide === "left" ? 0 : -1)) as Buffer | null;
  if (value === null) return;
  await send(client, w.wrap([b(toSide === "left" ? "LPUSH" : "RPUSH"), to, value], to, 0));
  await send(client, w.wrap([b(fromSide === "left" ? "LPOP" : "RPOP"), from], from, 1));
}

/** Which argument is written and which are read, for the store commands. */
function storeLayout(name: string, argv: Buffer[]): StoreLayout {
  const rest = (from: number) => Array.from({ length: argv.length - from }, (_, i) => from + i);
  switch (name) {
    case "sdiffstore":
    case "sinterstore":
    case "sunionstore":
      return { dest: 1, inputs: rest(2) };
    case "pfmerge":
      return { dest: 1, inputs: rest(2) };
    case "bitop":
      return { dest: 2, inputs: rest(3) };
    case "zrangestore":
    case "geosearchstore":
      return { dest: 1, inputs: [2] };
    case "zunionstore":
    case "zinterstore":
    case "zdiffstore": {
      const n = Number(argv[2]?.toString());
      if (!Number.isInteger(n) || n < 1 || 3 + n > argv.length) throw new EmulationError(`malformed ${name}`);
      return { dest: 1, inputs: Array.from({ length: n }, (_, i) => 3 + i) };
    }
    case "sort":
    case "georadius":
    case "georadiusbymember": {
      // the store key the server itself would write: the last STORE / STOREDIST option
      const keys = name === "sort" ? sortKeys(argv) : georadiusKeys(argv);
      if (keys.length < 2) throw new EmulationError(`${name} without STORE needs no emulation`);
      if (name === "sort" && sortNeedsOtherKeys(argv)) throw new EmulationError("SORT with GET or a BY pattern across slots cannot be emulated exactly");
      return { dest: keys[1], inputs: [1] };
    }
    default:
      throw new EmulationError(`${name.toUpperCase()} across slots cannot be emulated`);
  }
}

async function colocate(client: Client, argv: Buffer[], tmpPrefix: string, w: EmulationWrites, { dest, inputs }: StoreLayout): Promise<void> {
  const slot = calculateSlot(argv[dest]);
  const rewritten = argv.slice();
  const temps: Buffer[] = [];
  try {
    for (const i of inputs) {
      if (calculateSlot(argv[i]) === slot) continue;
      const tmp = tmpKeyInSlot(tmpPrefix, argv[dest], temps.length);
      temps.push(tmp);
      const payload = (await client.callBuffer("DUMP", argv[i])) as Buffer | null;
      if (payload) await client.call("RESTORE", tmp, 0, payload, "REPLACE");
      else await client.call("DEL", tmp);
      rewritten[i] = tmp;
    }
    await send(client, w.wrap(rewritten, argv[dest], 0));
  } finally {
    if (temps.length) await client.call("DEL", ...temps);
  }
}
