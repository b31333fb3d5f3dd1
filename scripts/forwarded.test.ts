import { describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript module of the console's server
import { parseTrustProxy, resolveClient } from "./forwarded.mjs";

/** Finding 4 of issue 13: a client's X-Forwarded-For dodged the per-address sign-in limit. */
describe("TRUST_PROXY and X-Forwarded-For", () => {
  it("ignores a client's forwarded headers unless the socket is a trusted proxy", () => {
    const none = parseTrustProxy("");
    expect(resolveClient({ peer: "203.0.113.9", encrypted: false, forwardedFor: "10.0.0.1", forwardedProto: "https" }, none)).toEqual({ address: "203.0.113.9", proto: "http" });
    expect(resolveClient({ peer: "::ffff:127.0.0.1", encrypted: false, forwardedFor: "1.2.3.4" }, none)).toEqual({ address: "127.0.0.1", proto: "http" });

    const proxy = parseTrustProxy("127.0.0.1, 10.0.0.0/8");
    // through the proxy: the nearest hop the proxy saw, not what the client claimed further left
    expect(resolveClient({ peer: "127.0.0.1", encrypted: false, forwardedFor: "6.6.6.6, 198.51.100.7", forwardedProto: "https" }, proxy)).toEqual({ address: "198.51.100.7", proto: "https" });
    // chained trusted proxies are skipped
    expect(resolveClient({ peer: "::ffff:127.0.0.1", encrypted: false, forwardedFor: ["198.51.100.7", "10.1.2.3"] }, proxy)).toEqual({ address: "198.51.100.7", proto: "http" });
    // a direct client outside the list cannot pretend
    expect(resolveClient({ peer: "198.51.100.8", encrypted: true, forwardedFor: "127.0.0.1", forwardedProto: "http" }, proxy)).toEqual({ address: "198.51.100.8", proto: "https" });
  });

  it("accepts addresses, CIDR ranges and loopback, and names a bad entry", () => {
    expect(parseTrustProxy("loopback").entries).toEqual(["127.0.0.0/8", "::1/128"]);
    expect(parseTrustProxy("loopback").trusts("::1")).toBe(true);
    expect(parseTrustProxy("fd00::/8").trusts("fd12::1")).toBe(true);
    expect(() => parseTrustProxy("10.0.0.0/33")).toThrow('TRUST_PROXY: "10.0.0.0/33" is not an IP address or CIDR range');
    expect(() => parseTrustProxy("proxy.internal")).toThrow(/"proxy\.internal" is not an IP address/);
  });
});
