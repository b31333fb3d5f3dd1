import type { Cluster, Redis } from "ioredis";
import type { Endpoint } from "../endpoint";
import { describeError } from "../../errors";
import { withControl } from "../topology";
import { COMMAND_SPECS, KEYLESS } from "./command-spec";
import { CommandKeys, type KeyServer } from "./command-keys";
import { parseCommandTable } from "./key-specs";

export interface LearnOptions {
  source: Endpoint;
  /** a control client of the destination (routes by key on a cluster) */
  target: () => Redis | Cluster;
  /**
   * every call's keys are needed: a cluster destination routes by them, a key filter tests them;
   * otherwise (a standalone destination, no filter) a call whose keys only the server can tell is
   * sent as it is
   */
  cluster: boolean;
  log(level: "info" | "warn", message: string): void;
}

/**
 * Reads the source's command table once at task start (the source defines what its replicated
 * commands mean; the destination is asked when the source will not answer) and keeps the commands
 * the static table does not know. Never fails the task: without a table, unknown commands are still
 * placed by COMMAND GETKEYS on a cluster destination.
 */
export async function learnCommandKeys(o: LearnOptions): Promise<CommandKeys> {
  let reply: unknown = null;
  const errors: string[] = [];
  try {
    reply = await withControl(o.source, { timeoutMs: 10_000 }, async (c) => {
      // 7.0+: the names first, then only the commands the built-in table does not know (usually
      // none): the whole table is ~100 KB that every engine start parsed for ~20 ms
      // refused (an account without +command|list) or before 7.0: the whole table below
      const names = await c.call("COMMAND", "LIST").catch(() => null);
      if (Array.isArray(names)) {
        // (subcommands, "acl|cat", come with their command's row)
        const unknown = names.map((n) => String(n).toLowerCase()).filter((n) => !n.includes("|") && !COMMAND_SPECS.has(n) && !KEYLESS.has(n));
        return unknown.length > 0 ? c.call("COMMAND", "INFO", ...unknown) : [];
      }
      // COMMAND INFO without names (7.0+) is all a least-privilege source account may run (+command|info)
      return c.call("COMMAND", "INFO").catch(() => c.call("COMMAND"));
    });
  } catch (err) {
    errors.push(`source: ${describeError(err)}`);
    try {
      reply = await o.target().call("COMMAND");
    } catch (err2) {
      errors.push(`destination: ${describeError(err2)}`);
    }
  }
  const table = parseCommandTable(reply);
  for (const name of [...table.keys()]) if (COMMAND_SPECS.has(name) || KEYLESS.has(name)) table.delete(name);
  if (errors.length === 2) o.log("warn", `the command table could not be read (${errors.join("; ")}): commands outside the built-in table are routed by COMMAND GETKEYS`);
  const modules = [...table.values()].filter((c) => c.flags.has("module") && (c.flags.has("write") || c.flags.has("may_replicate"))).map((c) => c.name);
  if (modules.length > 0) o.log("info", `module write commands are routed by the key positions the server reports: ${modules.slice(0, 12).join(", ")}${modules.length > 12 ? ` and ${modules.length - 12} more` : ""}`);
  return new CommandKeys(table, o.cluster ? destinationKeyServer(o.target) : null, o.cluster);
}

function destinationKeyServer(target: () => Redis | Cluster): KeyServer {
  return {
    commandInfo: (name) => target().call("COMMAND", "INFO", name),
    getKeys: async (argv) => {
      const reply = await target().callBuffer("COMMAND", "GETKEYS", ...argv);
      return Array.isArray(reply) ? reply.filter((k): k is Buffer => Buffer.isBuffer(k)) : [];
    },
  };
}
