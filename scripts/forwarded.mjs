// Who is on the other end of a console request (issue 13, finding 4). X-Forwarded-For and
// X-Forwarded-Proto are a client's word: they count only when the connection itself comes from a proxy
// named in TRUST_PROXY. Plain JavaScript: the console's server (scripts/serve.mjs) loads it before Next.
import net from "node:net";

/** "::ffff:10.0.0.1" is the IPv4 address 10.0.0.1 reached over an IPv6 socket. */
export function normalizeAddress(address) {
  const a = String(address ?? "").trim().replace(/^\[(.*)\]$/, "$1");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped ? mapped[1] : a;
}

const LOOPBACK = ["127.0.0.0/8", "::1/128"];

/**
 * TRUST_PROXY: empty (trust no one), or a comma-separated list of addresses and CIDR ranges of the
 * reverse proxies in front of the console ("loopback" = 127.0.0.0/8 and ::1). Throws one sentence on
 * an entry that is neither.
 * @param {string | undefined} text
 * @returns {{ entries: string[], trusts: (address: string) => boolean }}
 */
export function parseTrustProxy(text) {
  const list = new net.BlockList();
  const entries = [];
  for (const raw of String(text ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    for (const entry of raw.toLowerCase() === "loopback" ? LOOPBACK : [raw]) {
      const [addr, bits, extra] = entry.split("/");
      const address = normalizeAddress(addr);
      const family = net.isIPv4(address) ? "ipv4" : net.isIPv6(address) ? "ipv6" : null;
      const max = family === "ipv4" ? 32 : 128;
      const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
      if (!family || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
        throw new Error(`TRUST_PROXY: "${raw}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 127.0.0.1, ::1, loopback)`);
      }
      list.addSubnet(address, prefix, family);
      entries.push(`${address}/${prefix}`);
    }
  }
  const trusts = (address) => {
    const a = normalizeAddress(address);
    const family = net.isIPv4(a) ? "ipv4" : net.isIPv6(a) ? "ipv6" : null;
    return family !== null && entries.length > 0 && list.check(a, family);
  };
  return { entries, trusts };
}

/**
 * The client's address and scheme for one request: the socket's own unless the socket is a trusted
 * proxy; then the nearest X-Forwarded-For hop that is not itself a trusted proxy, and the proxy's
 * X-Forwarded-Proto.
 * @param {{ peer: string | undefined, encrypted: boolean, forwardedFor?: string | string[], forwardedProto?: string | string[] }} request
 * @param {{ trusts: (address: string) => boolean }} trust
 */
export function resolveClient({ peer, encrypted, forwardedFor, forwardedProto }, trust) {
  const socket = normalizeAddress(peer) || "unknown";
  const ownProto = encrypted ? "https" : "http";
  if (!trust.trusts(socket)) return { address: socket, proto: ownProto };
  const hops = [forwardedFor ?? []].flat().join(",").split(",").map(normalizeAddress).filter(Boolean);
  let address = socket;
  for (let i = hops.length - 1; i >= 0; i--) {
    address = hops[i];
    if (!trust.trusts(address)) break;
  }
  const proto = [forwardedProto ?? []].flat().join(",").split(",")[0]?.trim().toLowerCase();
  return { address, proto: proto === "https" || proto === "http" ? proto : ownProto };
}

/** Request headers that carry a client's claims about itself; replaced before Next sees the request. */
export const CLIENT_CLAIM_HEADERS = ["x-forwarded-for", "x-forwarded-proto", "x-real-ip", "forwarded", "x-forwarded-host", "x-forwarded-port"];
