import { z } from "zod";

/**
 * What a `redis-dts worker` reports about each shard it runs, stored on the shard's lease row every
 * second and read by `redis-dts status`, the status page and /api/metrics (no server-only here).
 */
export const ZShardLiveStatusSchema = z.object({
  source: z.string(),
  replid: z.string().nullable(),
  offset: z.number().nullable(),
  appliedOffset: z.number().nullable(),
  phase: z.string(),
  waiting: z.string().nullable().optional(),
  fullSync: z.object({ keys: z.number(), bytes: z.number(), totalBytes: z.number().nullable(), done: z.boolean() }),
  latencyMs: z.number().nullable(),
  /** commands applied since the shard started on this worker */
  commands: z.number(),
  opsPerSec: z.number(),
  refused: z.number(),
  inexact: z.number(),
  warnings: z.array(z.string()),
  /** the pub/sub forwarder, on the shard that does the task-wide work of a cluster source */
  pubsub: z.object({ forwarded: z.number(), dropped: z.number(), link: z.enum(["connecting", "up", "down"]), problem: z.string().nullable(), node: z.string().nullable() }).optional(),
});
export type TShardLiveStatus = z.infer<typeof ZShardLiveStatusSchema>;

/** One shard of a task in workers mode, as the status page and `redis-dts status` show it. */
export interface TShardAssignment {
  shard: string;
  position: number;
  source: string;
  /** the --name of the worker that holds it, null while no worker does */
  worker: string | null;
  /** since when that worker holds it (ISO time) */
  since: string | null;
  /** the lease ran out: the worker stopped renewing (dead or cut off); another takes it soon */
  expired: boolean;
  status: TShardLiveStatus | null;
  statusAt: string | null;
}
