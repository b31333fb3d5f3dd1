import type { Redis } from "ioredis";

/**
 * What the key readers need from a connection: send a list of commands as one pipeline and get
 * the replies back in order. An ioredis client fits through `toRunner`; the compare engine plugs in
 * a leaner pipelined connection (no Promise or timer per command).
 */
export type CommandArg = string | Buffer | number;

export interface CommandRunner {
  /**
   * Replies in order: bulk strings as Buffers, integers as numbers, nil as null, an error reply
   * in place as an Error (it belongs to its command). A broken connection rejects the whole batch.
   */
  batch(commands: CommandArg[][]): Promise<unknown[]>;
}

const adapters = new WeakMap<Redis, CommandRunner>();

export function isRunner(client: Redis | CommandRunner): client is CommandRunner {
  return typeof (client as Partial<CommandRunner>).batch === "function";
}

/** The same runner object for the same client, so what is learnt about a server is kept with it. */
export function toRunner(client: Redis | CommandRunner): CommandRunner {
  if (isRunner(client)) return client;
  let runner = adapters.get(client);
  if (!runner) {
    runner = {
      async batch(commands) {
        if (commands.length === 0) return [];
        const p = client.pipeline();
        for (const [name, ...args] of commands) p.callBuffer(String(name), ...args);
        return ((await p.exec()) ?? []).map(([err, reply]) => err ?? reply);
      },
    };
    adapters.set(client, runner);
  }
  return runner;
}

/** One command; an error reply is thrown. */
export async function run(runner: CommandRunner, ...command: CommandArg[]): Promise<unknown> {
  const [reply] = await runner.batch([command]);
  if (reply instanceof Error) throw reply;
  return reply;
}
