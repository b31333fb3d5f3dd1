import type { Endpoint } from "../endpoint";
import type { KeyFilterSpec } from "../filter/key-filter";
import type { SpeedLimits } from "../limit/speed-limiter";

/**
 * The precheck's result is a contract: the CLI prints it as JSON, the console stores it per run and
 * the wizard renders it. Item ids and the five item fields are stable; add items, never rename them.
 */
export type PrecheckStatus = "passed" | "warning" | "failed";

export interface PrecheckItem {
  id: PrecheckItemId;
  /** what is checked, for a person */
  name: string;
  status: PrecheckStatus;
  /** the finding with its figures; for a failure, the cause */
  message: string;
  /** how to fix it; "" when the item passed */
  fix: string;
}

export interface PrecheckResult {
  /** true when no item failed (warnings do not block a task) */
  passed: boolean;
  /** every item but the deferred ones, in PRECHECK_ITEMS order */
  items: PrecheckItem[];
  /** the items of `deferred`, once they are done (never rejects) */
  later?: Promise<PrecheckItem[]>;
}

export interface PrecheckOptions {
  /** mode is what the operator chose; the precheck compares it with what the server is */
  source: Endpoint;
  target: Endpoint;
  /** selected source databases; undefined = every database that holds keys (and db 0) */
  dbs?: number[];
  /** source db → destination db; unmapped databases keep their number */
  dbMap?: Map<number, number>;
  conflict: "intercept" | "ignore";
  /** destinations of the other running tasks (the console passes them from its database) */
  otherTaskTargets?: { taskName: string; host: string; port: number }[];
  /** connect/command timeout per node (default 3000 ms) */
  timeoutMs?: number;
  /** how long to sample the source's write rate for the backlog advice (default 1000 ms) */
  sampleMs?: number;
  /**
   * how the task reads its source: "psync" (default: a refused PSYNC fails), "auto" (a refused PSYNC
   * is a warning: the scan reader is used, whose keyspace notifications are then checked), "scan"
   */
  sourceReader?: "auto" | "psync" | "scan";
  /** the task's key filter: its patterns are tried on a sample of the source's keys */
  keyFilter?: KeyFilterSpec;
  /** the task's speed limits: a commands/s limit is compared with the source's write rate */
  limits?: SpeedLimits;
  /**
   * items that run on after the result is returned, in `later`: an engine start waits only for the
   * items that decide it. Only items that cannot fail unless another item fails too belong here
   * (the backlog advice: its 250 ms write-rate sample stood between every start and the first byte).
   */
  deferred?: PrecheckItemId[];
  /** the task id, used in the heartbeat key checked (default "precheck") */
  taskId?: string;
}

export const PRECHECK_ITEMS = [
  { id: "source_connectivity", name: "Source database connectivity" },
  { id: "target_connectivity", name: "Destination database connectivity" },
  { id: "source_auth", name: "Source database authentication" },
  { id: "target_auth", name: "Destination database authentication" },
  { id: "source_tls", name: "Source TLS handshake and certificate" },
  { id: "target_tls", name: "Destination TLS handshake and certificate" },
  { id: "source_version", name: "Source database version" },
  { id: "target_version", name: "Destination database version" },
  { id: "source_psync", name: "Source PSYNC permission" },
  { id: "source_notifications", name: "Source keyspace notifications (scan reader)" },
  { id: "source_mode", name: "Source instance mode" },
  { id: "target_mode", name: "Destination instance mode" },
  { id: "conflict", name: "Conflicting keys in the destination" },
  { id: "db_mapping", name: "Database mapping" },
  { id: "target_capacity", name: "Destination available memory" },
  { id: "target_eviction", name: "Destination eviction policy" },
  { id: "source_backlog", name: "Source replication backlog" },
  { id: "target_in_use", name: "Destination not used by another task" },
  { id: "same_deployment", name: "Source and destination are different deployments" },
  { id: "heartbeat", name: "Heartbeat key write permission" },
  { id: "pubsub", name: "Pub/sub messages (PUBLISH)" },
  { id: "modules", name: "Source modules loaded on the destination" },
  { id: "key_filter", name: "Key filter against a sample of the source" },
  { id: "speed_limits", name: "Speed limits against the source's write rate" },
] as const;

export type PrecheckItemId = (typeof PRECHECK_ITEMS)[number]["id"];

export function itemName(id: PrecheckItemId): string {
  return PRECHECK_ITEMS.find((i) => i.id === id)!.name;
}

/** Messages are sentences: capitalized, whatever phrase built them. */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function passed(id: PrecheckItemId, message: string): PrecheckItem {
  return { id, name: itemName(id), status: "passed", message: sentence(message), fix: "" };
}

export function warning(id: PrecheckItemId, message: string, fix: string): PrecheckItem {
  return { id, name: itemName(id), status: "warning", message: sentence(message), fix: sentence(fix) };
}

export function failed(id: PrecheckItemId, message: string, fix: string): PrecheckItem {
  return { id, name: itemName(id), status: "failed", message: sentence(message), fix: sentence(fix) };
}
