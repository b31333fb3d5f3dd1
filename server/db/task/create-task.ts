import "server-only";
import { getDb } from "../client";
import { generateTaskName } from "../../../contracts/generate-task-name";

export interface CreateTaskOptions {
  /** default: an auto-generated name (editable later, need not be unique) */
  name?: string;
  regionLabel?: string;
}

/** A new task in state not_started; the wizard fills in its endpoints and options. */
export async function createTask({ name, regionLabel }: CreateTaskOptions = {}) {
  return getDb().task.create({
    data: { name: name?.trim() || generateTaskName(), regionLabel: regionLabel?.trim() || "default" },
  });
}
