/**
 * The targets of issues 8 and 15. Judged by report.ts after the measurement; they never change what
 * is measured.
 */

const MiB = 1024 * 1024;

export const TARGETS = {
  /** issue 15: engine full sync time / native replica time, standalone and cluster 3→3 */
  fullSyncRatio: 1.0,
  clusterRatio: 1.0,
  incrementalRate: 200_000,
  catchUpMs: 1000,
  /** issue 15: catch-up of a frozen backlog, engine time / native replica time */
  frozenCatchUpRatio: 1.3,
  /** issue 15: peak RSS of a full sync ≤ the largest single value of the dataset + this */
  rssOverLargestValueBytes: 150 * MiB,
  /** issue 15: peak RSS while following the source */
  incrementalPeakRssBytes: 150 * MiB,
  scaleRssRatio: 1.1,
  consoleP95Ms: 100,
};
