import type { FlagSpec, ParsedArgs } from "./args";

/** One CLI command. Names, flags and JSON output are a contract scripts rely on: keep them stable. */
export interface CliCommand {
  /** e.g. "sync" or "rdb dump" */
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpec[];
  /** returns the process exit code */
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** true when stderr is a terminal: progress lines are only drawn there */
  isTTY: boolean;
  /** aborted on SIGINT/SIGTERM: long-running commands stop cleanly */
  signal: AbortSignal;
}
