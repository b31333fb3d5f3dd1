import { run, type CommandRunner } from "./command-runner";

/**
 * What a server can answer that older ones cannot, asked once per connection with COMMAND INFO
 * (nil for an unknown command). A server that refuses COMMAND gets the oldest behaviour, which
 * works everywhere: PTTL instead of PEXPIRETIME, no hash-field expiry.
 */
export interface ServerCapabilities {
  /** PEXPIRETIME (Redis 7.0+): absolute expiry, no drift from the read's round trip */
  pexpiretime: boolean;
  /** HPEXPIRETIME (Redis 7.4+): hash fields can carry their own expiry */
  hashFieldExpiry: boolean;
}

const cache = new WeakMap<CommandRunner, Promise<ServerCapabilities>>();

export function serverCapabilities(client: CommandRunner): Promise<ServerCapabilities> {
  let known = cache.get(client);
  if (!known) {
    known = probe(client);
    cache.set(client, known);
  }
  return known;
}

async function probe(client: CommandRunner): Promise<ServerCapabilities> {
  try {
    const reply = (await run(client, "COMMAND", "INFO", "PEXPIRETIME", "HPEXPIRETIME")) as unknown[];
    return { pexpiretime: Array.isArray(reply) && reply[0] != null, hashFieldExpiry: Array.isArray(reply) && reply[1] != null };
  } catch {
    return { pexpiretime: false, hashFieldExpiry: false };
  }
}
