import "server-only";
import { redact } from "../../errors";
import { getDb } from "../client";
import type { TEventLevel } from "./task-event.types";

export interface AddTaskEventOptions {
  taskId: string;
  level: TEventLevel;
  message: string;
  /** a DtsError code or another stable key the UI can filter on */
  code?: string;
  time?: Date;
}

/** Appends to a task's event log. Messages pass through redact(): a URI's password never lands here. */
export async function addTaskEvent({ taskId, level, message, code, time }: AddTaskEventOptions) {
  return getDb().taskEvent.create({
    data: { taskId, level, message: redact(message).slice(0, 4000), code: code ?? null, ...(time && { time }) },
  });
}
