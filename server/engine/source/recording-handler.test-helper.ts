import { ReplicationClient } from "./replication-client";
import type { ContinueInfo, FullResyncInfo, ReplicatedCommand, ReplicationClientOptions, ReplicationHandler } from "./types";
import type { DtsError } from "../../errors";

/**
 * Test consumer: records every call of a ReplicationClient, marks each command applied as soon as it
 * is delivered (unless `hold` says otherwise), and lets a test wait for conditions.
 */
export interface Recording {
  client: ReplicationClient;
  full: FullResyncInfo[];
  continued: ContinueInfo[];
  rdb: Buffer[];
  rdbEnds: number;
  commands: ReplicatedCommand[];
  controls: ReplicatedCommand[];
  notices: string[];
  /** every call in order, as short strings, for order assertions */
  order: string[];
  ended: Promise<DtsError | null>;
  endedWith: DtsError | null | undefined;
  /** endOffset of the last command or control delivered */
  lastOffset: number;
  rdbBytes(): Buffer;
  /** argv of commands as strings */
  argvs(): string[][];
}

export function record(
  options: Omit<ReplicationClientOptions, "appliedOffset"> & { appliedOffset?: () => number },
  hooks: Partial<ReplicationHandler> = {},
): Recording {
  let resolveEnd!: (e: DtsError | null) => void;
  const rec = {
    full: [], continued: [], rdb: [], rdbEnds: 0, commands: [], controls: [], notices: [], order: [],
    ended: new Promise<DtsError | null>((r) => (resolveEnd = r)),
    endedWith: undefined,
    lastOffset: -1,
    rdbBytes: () => Buffer.concat(rec.rdb),
    argvs: () => rec.commands.map((c) => c.argv.map((a) => a.toString())),
  } as unknown as Recording;
  const handler: ReplicationHandler = {
    fullResync(info) {
      rec.full.push(info);
      rec.order.push(`full ${info.offset}`);
      rec.rdb = [];
      hooks.fullResync?.(info);
    },
    rdbData(chunk) {
      rec.rdb.push(Buffer.from(chunk)); // lent: valid only during the call
      hooks.rdbData?.(chunk);
    },
    rdbEnd(info) {
      rec.rdbEnds++;
      rec.order.push(`rdbEnd ${info.bytes}`);
      hooks.rdbEnd?.(info);
    },
    continued(info) {
      rec.continued.push(info);
      rec.order.push(`continue ${info.offset}`);
      rec.lastOffset = info.offset;
      hooks.continued?.(info);
    },
    command(cmd) {
      rec.commands.push(cmd);
      rec.order.push(`cmd ${cmd.argv[0]}`);
      rec.lastOffset = cmd.endOffset;
      hooks.command?.(cmd);
    },
    control(cmd) {
      rec.controls.push(cmd);
      rec.order.push(`ctl ${cmd.argv[0]}`);
      rec.lastOffset = cmd.endOffset;
      hooks.control?.(cmd);
    },
    end(error) {
      rec.endedWith = error;
      rec.order.push(`end ${error ? error.code : "null"}`);
      hooks.end?.(error);
      resolveEnd(error);
    },
    notice(message) {
      rec.notices.push(message);
    },
  };
  rec.client = new ReplicationClient({ appliedOffset: () => Math.max(0, rec.lastOffset), ...options } as ReplicationClientOptions, handler);
  rec.client.start();
  return rec;
}

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
