/**
 * A major garbage collection after every 32 MB read from the sources. The chunks a full sync reads
 * (and the spool's and the writer's buffers that hold them a while) outlive the young generation's
 * scavenges and are then only freed by a major GC, which V8 starts late: tens of MB of dead buffers
 * in RSS, a different amount every run. Collecting on a byte budget bounds that garbage by the
 * budget whatever the dataset's size; a major GC of this small heap costs ~10 ms (a few per 1M keys).
 * Needs node's --expose-gc (bin/redis-dts sets it); without it this does nothing.
 */
export const GC_EVERY_BYTES = 32 * 1024 * 1024;

type Collect = (o?: { type?: "major" | "minor" }) => unknown;
let pending = 0;

export function noteBytesRead(n: number): void {
  pending += n;
  if (pending < GC_EVERY_BYTES) return;
  pending = 0;
  (globalThis as { gc?: Collect }).gc?.({ type: "major" });
}
