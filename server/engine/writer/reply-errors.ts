import type { ReplyError } from "../resp/values";

/**
 * How the writer treats an error reply. A redirection or a refusal the destination will get over
 * (loading, failover, memory, cluster reconfiguration) is retried; anything else is the command's own
 * error and goes to the caller.
 */
export type ErrorClass =
  | { kind: "moved"; slot: number; host: string; port: number }
  | { kind: "ask"; slot: number; host: string; port: number }
  /** the node will accept the same command later; `topology` when our view of the cluster is stale */
  | { kind: "retry"; topology: boolean }
  | { kind: "final" };

const RETRY_SAME: ReadonlySet<string> = new Set(["TRYAGAIN", "LOADING", "OOM", "BUSY", "MASTERDOWN", "NOREPLICAS", "NOTREADY"]);
const RETRY_TOPOLOGY: ReadonlySet<string> = new Set(["CLUSTERDOWN", "READONLY"]);

export function classifyReplyError(err: ReplyError): ErrorClass {
  const code = err.code;
  if (code === "MOVED" || code === "ASK") {
    // "MOVED 3999 127.0.0.1:6381" (the host may be empty or an IPv6 address)
    const parts = err.message.split(" ");
    const slot = Number(parts[1]);
    const address = parts[2] ?? "";
    const colon = address.lastIndexOf(":");
    const port = Number(address.slice(colon + 1));
    const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
    if (!Number.isInteger(slot) || slot < 0 || slot > 16383 || colon === -1 || !Number.isInteger(port) || port <= 0 || port > 65535) return { kind: "final" };
    return { kind: code === "MOVED" ? "moved" : "ask", slot, host, port };
  }
  if (RETRY_SAME.has(code)) return { kind: "retry", topology: false };
  if (RETRY_TOPOLOGY.has(code)) return { kind: "retry", topology: true };
  // "-ERR ... UNBLOCKED force unblock" and "-NOSCRIPT" are the caller's business
  return { kind: "final" };
}
