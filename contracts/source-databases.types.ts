/** What the wizard's objects step lists of the source's databases. */

export interface SourceDatabases {
  /** database numbers the source offers: 0..databases-1 (a cluster: only 0) */
  count: number;
  /** data keys per database: INFO keyspace less redis-dts's own keys (a cluster: summed over its masters) */
  keys: Record<number, number>;
  sourceCluster: boolean;
  /** why the numbers are a default rather than what the source reported */
  note: string | null;
}
