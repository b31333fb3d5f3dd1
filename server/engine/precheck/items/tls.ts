import { failed, passed, warning, type PrecheckItem } from "../types";
import { listSome, plural, type Side } from "../context";

/**
 * A handshake or certificate failure is its own item with its own fix (the CA, the server name, a
 * client certificate), not a vague "cannot connect". Verification turned off is a warning.
 */
export function tlsItem(side: Side): PrecheckItem {
  const id = side.kind === "source" ? "source_tls" : "target_tls";
  const tls = side.endpoint.tls;
  if (!tls) return passed(id, `TLS is not used toward the ${side.label} (redis://): data and the password travel in clear text.`);
  const bad = side.nodes.filter((n) => n.probe.status === "tls");
  if (bad.length > 0) {
    const first = bad[0].probe;
    const more = bad.length > 1 ? ` (${plural(bad.length, "node")}: ${listSome(bad.map((n) => n.address), 3)})` : "";
    // The probe does not know which side it probed: name this side's flags.
    const fix = (first.fix ?? "Check the server's TLS port and the certificates given.").replace(/--source-tls-/g, side.kind === "source" ? "--source-tls-" : "--target-tls-");
    return failed(id, `${first.message}${more}`, fix);
  }
  const secured = side.nodes.filter((n) => n.probe.reachable || n.probe.isRedis).length;
  if (tls.insecure) {
    const flag = side.kind === "source" ? "--source-tls-insecure" : "--target-tls-insecure";
    return warning(id, `TLS toward the ${side.label} is encrypted but the server certificates are NOT verified (${flag}): anyone on the path can pose as the server and read the password.`, `Give the CA certificate (${side.kind === "source" ? "--source" : "--target"}-tls-ca FILE) instead of turning verification off.`);
  }
  return passed(id, `TLS handshake and certificate verified on ${plural(secured, "node")} of the ${side.label}.`);
}
