import type { Cluster, Redis } from "ioredis";
import type { ShardLibraries } from "../loader/function-libraries";

/**
 * FUNCTION LOAD/DELETE/FLUSH of one source master, planned against the libraries every master's
 * stream shares (function-libraries.ts) and sent to every destination master in the same step.
 * The shards write through their own connections, so two masters' FUNCTION commands planned in
 * one order could otherwise reach the destination in the other (a DELETE overtaking the LOAD
 * planned after it: "Library already exists", then "Library not found"). One queue for the task
 * makes the order of the plans the order on the destination.
 */

/** what went wrong: null when every destination master took every command */
export type LibraryFailure = { refused: boolean; message: string } | null;

export async function applyLibraryCommand(libs: ShardLibraries, control: Redis | Cluster, argv: Buffer[], replaying: boolean): Promise<LibraryFailure> {
  return libs.serial(async () => {
    const sub = argv[1]?.toString().toLowerCase();
    let commands: Buffer[][];
    if (sub === "load") {
      const replace = argv.length > 3 && argv[2].toString().toLowerCase() === "replace";
      // a replay after a crash may send an older load again: the destination holds what came after it
      const outcome = libs.load(argv[argv.length - 1], { replace, replaying });
      if (outcome.kind === "conflict") {
        return { refused: true, message: `a different Functions library named ${outcome.name}, which no source master holds, is already loaded on the destination` };
      }
      commands = outcome.commands;
    } else if (sub === "delete") commands = libs.delete(argv[2]?.toString() ?? "");
    else commands = libs.flush({ replaying });
    for (const command of commands) {
      const failure = await toEveryMaster(control, command);
      if (failure) return { refused: true, message: failure };
    }
    return null;
  });
}

/** the first refusal, naming the node ("ERR Library not found (127.0.0.1:7001)"), or null */
async function toEveryMaster(control: Redis | Cluster, argv: Buffer[]): Promise<string | null> {
  const cluster = "nodes" in control;
  if (cluster && control.status !== "ready") await new Promise((r) => control.once("ready", r));
  const nodes: Redis[] = cluster ? (control as Cluster).nodes("master") : [control as Redis];
  const replies = await Promise.allSettled(nodes.map((n) => n.callBuffer(argv[0].toString(), ...argv.slice(1))));
  for (let i = 0; i < replies.length; i++) {
    const r = replies[i];
    if (r.status === "fulfilled") continue;
    const err = r.reason as Error;
    // a lost connection is not a refusal: the shard stops and resumes from its checkpoint
    if (err?.name !== "ReplyError") throw err;
    return `${err.message} (${nodes[i].options.host}:${nodes[i].options.port})`;
  }
  return null;
}
