/** The latest precheck of a task as the wizard and the status page show it. */
import type { TSourceReader } from "./task.types";

export interface PrecheckItemView {
  itemId: string;
  name: string;
  status: "pending" | "passed" | "warning" | "failed";
  message: string;
  fix: string;
}

export interface PrecheckRunView {
  id: string;
  /** running = this console is still checking; interrupted = a console restart cut it short */
  status: "running" | "passed" | "failed" | "interrupted";
  startedAt: string;
  finishedAt: string | null;
  items: PrecheckItemView[];
}

export interface PrecheckView {
  running: boolean;
  run: PrecheckRunView | null;
  /** the last console precheck could not start (e.g. the endpoints are incomplete) */
  failure: string | null;
  canStart: boolean;
  /** why Start is not offered, for the operator */
  startBlocked: string | null;
  /** how the task reads its source: the wizard asks before the scan reader is used ("auto") */
  sourceReader: TSourceReader;
}
