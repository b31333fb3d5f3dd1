/** The precheck: every condition of a synchronization, checked before it starts. */
export { runPrecheck } from "./run-precheck";
export { PRECHECK_ITEMS, type PrecheckItem, type PrecheckItemId, type PrecheckOptions, type PrecheckResult, type PrecheckStatus } from "./types";
