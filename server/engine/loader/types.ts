import type { ShardLibraries } from "./function-libraries";

/** intercept: a key that already exists is an error (reported); ignore: it is overwritten */
export type ConflictPolicy = "intercept" | "ignore";

export interface LoaderOptions {
  conflict: ConflictPolicy;
  /** names the temporary keys of values rebuilt aside (own-keys.ts); `redis-dts rdb load` has none */
  taskId?: string;
  /** source databases to load (default: all) */
  dbs?: number[];
  /** source db → destination db (default: same number) */
  dbMap?: Map<number, number>;
  /**
   * Values whose serialized size is above this take the typed-command path in bounded batches
   * (default 8 MB). 0 sends every value through typed commands.
   */
  typedAboveBytes?: number;
  /** bounds of one typed command (defaults 512 elements, 1 MB) */
  batchItems?: number;
  batchBytes?: number;
  /** pass the source's LRU idle time / LFU counter on with RESTORE (default true) */
  keepEvictionHints?: boolean;
  onIssue?(issue: LoadIssue): void;
  /**
   * the destination's Functions libraries, shared by the shards of a task: a library another master
   * already loaded (or the destination had) with the same code is not loaded again nor a conflict
   */
  functions?: ShardLibraries | null;
  /** issues kept in the summary (default 20); all of them are counted */
  keepIssues?: number;
  /** the task's key filter (../filter): keys it excludes are not written (counted in skippedFilter) */
  keyIncluded?(key: Buffer): boolean;
  /**
   * the task's speed limit (../limit): asked for each key written with its serialized size; false
   * makes push() ask the producer to wait until `throttle.ready()`
   */
  throttle?: { take(keys: number, bytes: number): boolean; ready(): Promise<void> };
  /** the clock deciding what is already expired (default Date.now) */
  now?: () => number;
}

export interface LoadIssue {
  /**
   * conflict: the key exists (intercept); refused: the destination rejected the value; module: a
   * module value the destination cannot load (counted in `failed`); inexact: written without
   * something the destination lacks
   */
  kind: "conflict" | "refused" | "module" | "inexact";
  message: string;
  db?: number;
  key?: Buffer;
  /** the command that was refused (RESTORE, FUNCTION...) when not the key's own */
  command?: string;
}

export interface LoadStats {
  /** key entries read from the RDB */
  keys: number;
  /** of the keys of the loaded databases, redis-dts's own keys (own-keys.ts): written, but not data (not in `written` either) */
  ownKeys: number;
  /** keys the destination acknowledged (final after finish()) */
  written: number;
  /** keys sent: RESTORE or typed commands */
  restored: number;
  typed: number;
  skippedExpired: number;
  /** keys of databases left out with --dbs */
  skippedDb: number;
  /** keys the task's key filter excludes (not written) */
  skippedFilter: number;
  conflicts: number;
  /** keys the destination refused for another reason */
  failed: number;
  /** module values read, by module type name (RESTOREd when the destination loads that type) */
  modules: Record<string, number>;
  /** module values not written (counted in `failed` too), by module type name */
  modulesRefused: Record<string, number>;
  functions: number;
  /** serialized value bytes of the keys sent */
  bytes: number;
  issues: LoadIssue[];
}
