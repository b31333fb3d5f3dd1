/** How two values may differ, and what a comparison ignores: shared by the value and stream diffs. */

export interface DiffOptions {
  /**
   * Ignore consumers' seen-time and active-time: a server rewrites them when it applies a replicated
   * XCLAIM or loads a RESTORE, so two faithful copies rarely agree on them.
   */
  ignoreConsumerTimes?: boolean;
  /** Ignore PEL delivery times (same reason, for writers that re-deliver by command). */
  ignoreDeliveryTimes?: boolean;
  /**
   * Ignore a consumer group's entries-read counter: Redis 7.0 does not replicate it exactly (a native
   * replica's counter lags its master's after XREADGROUP), so it says nothing about the data.
   */
  ignoreEntriesRead?: boolean;
  /** Allowed drift of hash-field expiry times in ms (default 0). */
  timeToleranceMs?: number;
}

export interface ValueDifference {
  /** "type": different types; "length": different element counts; "value": same count, other content */
  kind: "type" | "length" | "value";
  /** one line naming where the values part, e.g. `hash field "a\x00" differs` */
  detail: string;
}
