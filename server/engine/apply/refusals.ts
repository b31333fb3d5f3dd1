import { commandName } from "../commands/command-spec";
import { FENCE_SCRIPT, REDO_SCRIPT } from "./fence";
import type { CommandFailure } from "../writer/types";

const SCRIPT_CALLS = new Set(["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"]);

/**
 * Reading a refused write back into what the operator recognises: the source's command and its keys,
 * not the fence script or the transaction around it.
 */
export function describeRefusal(argv: Buffer[]): { command: string; keys: Buffer[] } {
  let cmd = argv;
  // EVAL <fence script> 1 <fence key> <id> <ttl> <command...>
  if (cmd.length > 6 && commandName(cmd[0]) === "eval" && cmd[1].equals(FENCE_SCRIPT)) cmd = cmd.slice(6);
  // EVAL <redo script> 1 <marker> <ttl> <command...>: a write refused before a pause, applied again at the resume
  else if (cmd.length > 5 && commandName(cmd[0]) === "eval" && cmd[1].equals(REDO_SCRIPT)) cmd = cmd.slice(5);
  const name = cmd[0] ? cmd[0].toString("latin1").toUpperCase() : "";
  const keyless = name === "EXEC" || name === "MULTI" || name === "FUNCTION" || name === "SCRIPT" || name === "PUBLISH" || name === "FLUSHDB" || name === "FLUSHALL";
  if (SCRIPT_CALLS.has(name)) {
    // <script|sha|function> <numkeys> <key...>: the keys, not the script's text
    const n = Number(cmd[2]?.toString("latin1"));
    return { command: name, keys: Number.isInteger(n) && n > 0 ? cmd.slice(3, 3 + n) : [] };
  }
  return { command: name, keys: keyless || cmd.length < 2 ? [] : [cmd[1]] };
}

/**
 * The destination's error as the operator would get it from the command itself: a write sent inside
 * the fence or redo script carries Redis's " script: <sha>, on @user_script:<line>." suffix.
 */
export function refusalMessage(message: string): string {
  return message.replace(/ script: [0-9a-f]{40}, on @user_script:\d+\.?$/, "");
}

/**
 * Errors that a write gives when it already ran: sent again in a replay (after a restart or a lost
 * connection), a replay-safe write may answer so. Outside a replay they are real divergences.
 */
const ECHOES: Array<[string, RegExp]> = [
  ["xadd", /equal or smaller than the target stream top item/i],
  ["xsetid", /smaller than the target stream top item|smaller than the target stream/i],
  ["xgroup", /^BUSYGROUP/],
  ["restore", /^BUSYKEY/],
  ["function", /already exists/i],
];

export function isReplayEcho(f: Pick<CommandFailure, "argv" | "error">): boolean {
  const { command } = describeRefusal(f.argv);
  const name = command.toLowerCase();
  for (const [cmd, re] of ECHOES) if (cmd === name && re.test(f.error.message)) return true;
  return false;
}
