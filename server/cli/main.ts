import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, formatFlags, UsageError } from "./args";
import { COMMANDS } from "./commands/index";
import { describeError } from "../errors";

function version(): string {
  // From server/cli/ or from the bundle in .cache/: the nearest package.json up the tree is ours.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !existsSync(path.join(dir, "package.json")); i++) dir = path.dirname(dir);
  return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).version;
}

function topHelp(): string {
  // the commands people run, one line each; the console's own (run-task, verify-task) are left out
  const listed = Object.entries(COMMANDS).filter(([, c]) => !c.internal);
  const width = Math.max(...listed.map(([name]) => name.length)) + 2;
  return [
    "redis-dts: data transmission service for Redis (full + incremental synchronization)",
    "",
    "Usage: redis-dts <command> [options]",
    "",
    "Commands:",
    ...listed.map(([name, c]) => `  ${name.padEnd(width)}${c.brief}`),
    "",
    "Options:",
    "  --help       show help (also: redis-dts <command> --help)",
    "  --version    print the version",
    "",
    "URIs: redis://[user:password@]host:port (password only: redis://:password@host:port)",
  ].join("\n");
}

/** Finds the longest command name that prefixes argv ("rdb dump" before "rdb"). */
function matchCommand(argv: string[]): { name: string; rest: string[] } | null {
  for (let words = 2; words >= 1; words--) {
    const name = argv.slice(0, words).join(" ");
    if (argv.length >= words && COMMANDS[name]) return { name, rest: argv.slice(words) };
  }
  return null;
}

/**
 * `redis-dts sync --json | head -1`: the reader of our output went away (EPIPE), or the output broke
 * otherwise. The running command stops as by Ctrl-C (a sync pauses after its final checkpoint) instead
 * of crashing on an unhandled 'error' with its task left without one. Installed once and kept after
 * the command returns: a late status line must not crash the exit either.
 */
let stopOnOutputError: (() => void) | null = null;
let watchingOutput = false;
function watchOutput(): void {
  if (watchingOutput) return;
  watchingOutput = true;
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => stopOnOutputError?.());
}

export async function main(argv: string[]): Promise<number> {
  const { stdout, stderr } = process;
  watchOutput();
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    stdout.write(topHelp() + "\n");
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === "--version" || argv[0] === "-v") {
    stdout.write(`redis-dts ${version()}\n`);
    return 0;
  }
  const match = matchCommand(argv);
  if (!match) {
    stderr.write(`redis-dts: unknown command '${argv.slice(0, 2).join(" ")}' (see redis-dts --help)\n`);
    return 2;
  }
  const command = await COMMANDS[match.name].load();
  const debug = match.rest.includes("--debug");
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  stopOnOutputError = stop;
  try {
    const args = parseArgs(match.rest, command.flags);
    if (args.flags.help) {
      stdout.write(`${command.summary}\n\nUsage: redis-dts ${command.usage}\n\nOptions:\n${formatFlags(command.flags)}\n`);
      return 0;
    }
    return await command.run(args, { stdout, stderr, isTTY: Boolean(stderr.isTTY), signal: controller.signal });
  } catch (err) {
    if (err instanceof UsageError) {
      stderr.write(`redis-dts ${match.name}: ${err.message} (see redis-dts ${match.name} --help)\n`);
      return 2;
    }
    stderr.write(`redis-dts ${match.name}: ${describeError(err)}\n`);
    if (debug && err instanceof Error && err.stack) stderr.write(err.stack + "\n");
    return 1;
  } finally {
    stopOnOutputError = null;
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
