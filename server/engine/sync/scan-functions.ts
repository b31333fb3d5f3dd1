import type { Redis } from "ioredis";
import { dumpFunctions } from "../source/scan/function-dump";
import { WRITE_REPLAY_SAFE, type DestinationWriter } from "../writer/types";

/** how often the libraries are compared (they change without a keyspace notification) */
const EVERY_MS = 2000;

/**
 * The scan reader's Functions libraries: the source's FUNCTION DUMP, restored on every destination
 * master when it changed (REPLACE: a library of the same name is overwritten; a refusal reaches the
 * loader's error handler, a divergence). A library deleted on the source stays on the destination:
 * Data Verification names it.
 */
export class FunctionFollower {
  private last: Buffer | null = null;
  private at = 0;

  constructor(private readonly writer: DestinationWriter) {}

  due(): boolean {
    return Date.now() - this.at > EVERY_MS;
  }

  async follow(client: Redis): Promise<void> {
    this.at = Date.now();
    const payload = await dumpFunctions(client);
    if (!payload || (this.last && payload.equals(this.last))) return;
    this.last = payload;
    if (!this.writer.broadcast(0, ["FUNCTION", "RESTORE", payload, "REPLACE"], 0, WRITE_REPLAY_SAFE)) await this.writer.ready();
  }
}
