import "server-only";
import { runPrecheck, PRECHECK_ITEMS, type PrecheckItem, type PrecheckItemId, type PrecheckResult } from "../engine/precheck";
import { createPrecheckRun } from "../db/precheck/create-precheck-run";
import type { TPrecheckItemInput } from "../db/precheck/precheck.types";
import { recordPrecheckItems } from "../db/precheck/record-precheck-items";
import { finishPrecheckRun } from "../db/precheck/finish-precheck-run";
import { findRunningTaskTargets } from "../db/task/find-running-task-targets";
import { loadTaskConfig } from "./task-config";
import type { SyncTaskConfig } from "../engine/sync/sync-task";

export interface PrecheckStoredTaskOptions {
  taskId: string;
  /** overrides the task's conflict mode (a resumed task's own keys are no conflict) */
  conflict?: "intercept" | "ignore";
  /** how long the source's write rate is sampled (the backlog item); the precheck's own default when unset */
  sampleMs?: number;
  /** items run on after the result (runPrecheck's `deferred`); their outcomes are stored when done */
  deferred?: PrecheckItemId[];
  /** the task's configuration when the caller has just loaded it (not read again) */
  cfg?: SyncTaskConfig;
  /**
   * the outcomes are stored once this settles (with deferred items only): an engine start stores
   * them after PSYNC, not on the thread that is about to send it
   */
  storeAfter?: Promise<unknown>;
}

export interface StoredPrecheckResult extends PrecheckResult {
  /**
   * with deferred items: those items once they are done and the whole run is stored (rejects when
   * the database refuses). The result itself is returned before anything is stored.
   */
  later?: Promise<PrecheckItem[]>;
}

/**
 * Runs the precheck for a stored task and stores the run with its items (the wizard shows the latest).
 * With deferred items nothing waits for the database: the engine start that asks for them needs only
 * the verdict, and the run is stored once the task has asked its sources for data (storeAfter).
 */
export async function precheckStoredTask({ taskId, conflict, sampleMs, deferred, cfg: loaded, storeAfter }: PrecheckStoredTaskOptions): Promise<StoredPrecheckResult> {
  const cfg = loaded ?? (await loadTaskConfig(taskId, ""));
  // every item in display order, as decided so far (pending where not)
  const create = (decided: PrecheckItem[]) => {
    const outcomes = new Map(decided.map((i) => [i.id, i]));
    const items = PRECHECK_ITEMS.map((i): TPrecheckItemInput => {
      const o = outcomes.get(i.id);
      return { itemId: i.id, name: i.name, status: o?.status ?? "pending", message: o?.message ?? "", fix: o?.fix ?? "" };
    });
    return createPrecheckRun({ taskId, items }).then(
      (run) => ({ run }),
      (error: unknown) => ({ error }),
    );
  };
  // An engine start holds the storage back (storeAfter): its run is created once, with the outcomes.
  // Otherwise it is created first, not awaited: the wizard shows the run's items pending while the
  // checks run. Its failure is held, not dropped: storing the run below throws it.
  const holdBack = storeAfter !== undefined && (deferred?.length ?? 0) > 0;
  const created = holdBack ? null : create([]);
  const otherTaskTargets = await findRunningTaskTargets({ exceptTaskId: taskId });
  const result = await runPrecheck({
    source: cfg.source,
    target: cfg.target,
    dbs: cfg.dbs,
    dbMap: cfg.dbMap,
    conflict: conflict ?? cfg.conflict,
    sourceReader: cfg.sourceReader,
    keyFilter: cfg.keyFilter,
    limits: cfg.limits,
    taskId,
    sampleMs,
    deferred,
    otherTaskTargets,
  });
  const stored = (async () => {
    if (holdBack && result.later) await storeAfter;
    const made = await (created ?? create(result.items));
    if ("error" in made) throw made.error;
    const runId = made.run.id;
    const record = (items: PrecheckItem[]) => recordPrecheckItems({ runId, items: items.map((i) => ({ itemId: i.id, status: i.status, message: i.message, fix: i.fix })) });
    if (created) await record(result.items);
    const later = (await result.later) ?? [];
    if (later.length > 0) await record(later);
    await finishPrecheckRun({ runId });
    return later;
  })();
  if (!result.later) {
    await stored;
    return result;
  }
  return { ...result, later: stored };
}
