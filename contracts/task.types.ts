import { z } from "zod";

/** Shared by the console's forms, its server actions and the data functions (no server-only here). */

export const TASK_STATES = [
  "not_started",
  "prechecking",
  "precheck_failed",
  "initializing",
  "synchronizing",
  "paused",
  "failed",
  "finished",
] as const;
export const ZTaskStateSchema = z.enum(TASK_STATES);
export type TTaskState = z.infer<typeof ZTaskStateSchema>;

/** The reference console's wording for each state. */
export const TASK_STATE_LABELS: Record<TTaskState, string> = {
  not_started: "Not Started",
  prechecking: "Prechecking",
  precheck_failed: "Precheck Failed",
  initializing: "Initializing",
  synchronizing: "Synchronizing",
  paused: "Paused",
  failed: "Failed",
  finished: "Finished",
};

// Groups of states and the moves between them: task-state-machine.ts.

export const ZConflictModeSchema = z.enum(["intercept", "ignore"]);
export type TConflictMode = z.infer<typeof ZConflictModeSchema>;

export const ZInitialSyncSchema = z.enum(["full_and_incremental", "incremental_only"]);
export type TInitialSync = z.infer<typeof ZInitialSyncSchema>;
/**
 * How the source is read (Task.sourceReader): auto (the replication reader, or the scan reader when
 * the source refuses PSYNC), psync, or scan (SCAN + DUMP and keyspace notifications: best effort).
 */
export const ZSourceReaderSchema = z.enum(["auto", "psync", "scan"]);
export type TSourceReader = z.infer<typeof ZSourceReaderSchema>;
/** What the status page and the wizard say of a task read by the scan reader. */
export const SCAN_READER_LABEL = "best effort: verify before switching";

export const ZTaskIdSchema = z.string().trim().min(1, "Task id is missing.").max(64);

export const ZTaskNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a task name.")
  .max(128, "Keep the task name under 128 characters.");

export const ZRegionLabelSchema = z
  .string()
  .trim()
  .min(1, "Enter a region label.")
  .max(64, "Keep the region label under 64 characters.");

export const ZCreateTaskSchema = z.object({
  name: ZTaskNameSchema.optional(),
  regionLabel: ZRegionLabelSchema.optional(),
});
export type TCreateTask = z.infer<typeof ZCreateTaskSchema>;

export const ZRenameTaskSchema = z.object({
  id: ZTaskIdSchema,
  name: ZTaskNameSchema,
  regionLabel: ZRegionLabelSchema.optional(),
});
export type TRenameTask = z.infer<typeof ZRenameTaskSchema>;

export const ZTaskIdInputSchema = z.object({ id: ZTaskIdSchema });
export type TTaskIdInput = z.infer<typeof ZTaskIdInputSchema>;

/** Database numbers to synchronize, stored as a JSON string in Task.selectedDbs. */
export const ZSelectedDbsSchema = z.array(z.number().int().min(0).max(65535));
/** Source db -> destination db, stored as a JSON string in Task.dbMap. */
export const ZDbMapSchema = z.record(z.string().regex(/^\d+$/), z.number().int().min(0).max(65535));
export type TDbMap = z.infer<typeof ZDbMapSchema>;

/**
 * What a write the destination refuses, or a command the engine cannot apply exactly, does to the
 * task (server/engine/sync/divergence.ts): pause it at that write (default), skip it and record its
 * keys for Data Verification, or fail the task. Stored as Task.options.onInexact.
 */
export const ZDivergencePolicySchema = z.enum(["pause", "skip", "fail"]);
export type TDivergencePolicy = z.infer<typeof ZDivergencePolicySchema>;
export const DEFAULT_DIVERGENCE_POLICY: TDivergencePolicy = "pause";

/** Task.options (a JSON string): settings beyond the wizard's columns. */
export const ZTaskOptionsSchema = z.object({
  /** FLUSHDB/FLUSHALL on the source are not applied */
  ignoreFlush: z.boolean().optional(),
  onInexact: ZDivergencePolicySchema.optional(),
});
export type TTaskOptions = z.infer<typeof ZTaskOptionsSchema>;

/**
 * Task.keyFilter (a JSON string): the keys a task synchronizes, as globs with Redis MATCH semantics
 * (`*`, `?`, `[...]`, `\` escape). Keys matching an include (every key when there is none) and no
 * exclude; the product's own keys are always synchronized.
 */
export const ZKeyPatternSchema = z
  .string()
  .refine((p) => p.trim().length > 0, "A key pattern cannot be empty.")
  .refine((p) => p.length <= 1024, "Keep a key pattern under 1024 characters.");
export const ZKeyFilterSchema = z.object({
  include: z.array(ZKeyPatternSchema).max(64, "Use at most 64 include patterns.").default([]),
  exclude: z.array(ZKeyPatternSchema).max(64, "Use at most 64 exclude patterns.").default([]),
});
export type TKeyFilter = z.infer<typeof ZKeyFilterSchema>;

/** A speed limit: a number above zero, or null for none. */
export const ZSpeedLimitSchema = z.number({ error: "Enter a number above 0." }).finite().positive("A limit must be above 0.").max(1e9).nullable();
/** Task.speedLimits (a JSON string): full sync keys/s and MB/s, incremental commands/s; a running engine reads it every second. */
export const ZSpeedLimitsSchema = z.object({
  keysPerSec: ZSpeedLimitSchema.optional(),
  mbPerSec: ZSpeedLimitSchema.optional(),
  cmdsPerSec: ZSpeedLimitSchema.optional(),
});
export type TSpeedLimits = z.infer<typeof ZSpeedLimitsSchema>;
