import { DtsError } from "../../errors";

/**
 * CLUSTER NODES, parsed with every figure a server sends checked: at most MAX_NODES lines, node ids
 * of 40 hex digits, ports 0..65535, slots 0..16383 with start <= end. A malformed line is a
 * PROTOCOL_ERROR, not a guess.
 */
export const SLOT_COUNT = 16384;
export const MAX_NODES = 2000;
const MAX_RANGES_PER_NODE = SLOT_COUNT;

export interface ClusterNodeLine {
  nodeId: string;
  /** the announced address; "" when the node does not know it (noaddr, or a node alone) */
  host: string;
  port: number;
  /** the announced hostname (Redis 7: `ip:port@cport,hostname`), if any */
  hostname?: string;
  flags: string[];
  role: "master" | "replica";
  masterId?: string;
  linkState: "connected" | "disconnected";
  /** stable slot ranges, inclusive; migrating/importing markers are left out */
  slots: [number, number][];
}

function bad(what: string): never {
  throw new DtsError("PROTOCOL_ERROR", `CLUSTER NODES reply is malformed: ${what}`);
}

function parseSlot(text: string): number {
  if (!/^\d{1,5}$/.test(text)) bad(`slot '${text.slice(0, 20)}' is not a number`);
  const n = Number(text);
  if (n >= SLOT_COUNT) bad(`slot ${n} is outside 0..${SLOT_COUNT - 1}`);
  return n;
}

/** `ip:port@cport[,hostname]`, `ip:port` (3.x), `[::1]:port`, `::1:port@cport` or `:0@0`. */
export function parseNodeAddress(text: string): { host: string; port: number; hostname?: string } {
  const [addrPart, hostname] = text.split(",", 2);
  const addr = addrPart.split("@")[0];
  const colon = addr.lastIndexOf(":");
  if (colon === -1) bad(`address '${text.slice(0, 60)}' has no port`);
  const host = addr.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const portText = addr.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) bad(`address '${text.slice(0, 60)}' has an invalid port`);
  if (host.length > 255) bad("address too long");
  return { host, port: Number(portText), ...(hostname ? { hostname: hostname.slice(0, 255) } : {}) };
}

export function parseClusterNodes(text: string): ClusterNodeLine[] {
  const out: ClusterNodeLine[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    if (out.length >= MAX_NODES) bad(`more than ${MAX_NODES} nodes`);
    const parts = line.split(" ");
    if (parts.length < 8) bad(`line with ${parts.length} fields`);
    const [nodeId, address, flagText, master, , , , link, ...slotParts] = parts;
    if (!/^[0-9a-f]{40}$/i.test(nodeId)) bad(`node id '${nodeId.slice(0, 50)}'`);
    if (master !== "-" && !/^[0-9a-f]{40}$/i.test(master)) bad(`master id '${master.slice(0, 50)}'`);
    if (slotParts.length > MAX_RANGES_PER_NODE) bad("too many slot ranges");
    const flags = flagText.split(",").filter(Boolean).slice(0, 16);
    const slots: [number, number][] = [];
    for (const s of slotParts) {
      if (s.startsWith("[")) continue; // "[slot->-id]" migrating / "[slot-<-id]" importing
      const dash = s.indexOf("-");
      const start = parseSlot(dash === -1 ? s : s.slice(0, dash));
      const end = dash === -1 ? start : parseSlot(s.slice(dash + 1));
      if (start > end) bad(`slot range ${start}-${end}`);
      slots.push([start, end]);
    }
    const isReplica = flags.includes("slave") || flags.includes("replica");
    out.push({
      nodeId: nodeId.toLowerCase(),
      ...parseNodeAddress(address),
      flags,
      role: isReplica ? "replica" : "master",
      ...(master !== "-" ? { masterId: master.toLowerCase() } : {}),
      linkState: link === "connected" ? "connected" : "disconnected",
      slots,
    });
  }
  return out;
}

/** Number of distinct slots in a set of ranges (overlaps counted once). */
export function countSlots(ranges: Iterable<[number, number]>): number {
  const seen = new Uint8Array(SLOT_COUNT);
  let n = 0;
  for (const [start, end] of ranges) {
    for (let s = Math.max(0, start); s <= Math.min(end, SLOT_COUNT - 1); s++) {
      if (!seen[s]) {
        seen[s] = 1;
        n++;
      }
    }
  }
  return n;
}
