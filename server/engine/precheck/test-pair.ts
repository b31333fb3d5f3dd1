import type { Endpoint, InstanceMode } from "../endpoint";
import type { RedisNode } from "../../testing/redis-harness";
import { runPrecheck } from "./run-precheck";
import type { PrecheckItem, PrecheckItemId, PrecheckOptions, PrecheckResult } from "./types";

/** Test helpers: endpoints for harness nodes, and picking one item out of a result. */
export function endpointOf(node: Pick<RedisNode, "host" | "port" | "options">, mode: InstanceMode = "standalone", creds?: { username?: string; password?: string }): Endpoint {
  return { host: node.host, port: node.port, mode, username: creds?.username, password: creds ? creds.password : node.options.password };
}

export function item(result: PrecheckResult, id: PrecheckItemId): PrecheckItem {
  const found = result.items.find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id} in the result`);
  return found;
}

/** Runs the precheck with short sampling so tests stay quick. */
export function precheck(opts: Partial<PrecheckOptions> & Pick<PrecheckOptions, "source" | "target">): Promise<PrecheckResult> {
  return runPrecheck({ conflict: "intercept", sampleMs: 200, timeoutMs: 2000, ...opts });
}
