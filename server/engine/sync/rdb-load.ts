import { RdbLoader } from "../loader";
import { DtsError } from "../../errors";
import type { DestinationWriter } from "../writer/types";
import type { ShardLibraries } from "../loader/function-libraries";
import type { LoadIssue } from "../loader/types";
import type { DbMapping } from "./db-mapping";
import type { RdbLoad } from "./shard-types";
import type { Throttle } from "../limit/speed-limiter";

export interface RdbLoadOptions {
  writer: DestinationWriter;
  mapping: DbMapping;
  conflict: "intercept" | "ignore";
  log(level: "info" | "warn" | "error", message: string): void;
  onIssue?: (issue: LoadIssue) => void;
  functions?: ShardLibraries | null;
  /** names the loader's temporary keys (own-keys.ts) */
  taskId?: string;
  /** the task's key filter: excluded keys are not written */
  keyIncluded?: (key: Buffer) => boolean;
  /** the task's keys/s and MB/s limits */
  throttle?: Throttle;
}

/**
 * The full-synchronization side of a shard: the RDB loader writing through the shard's writer. A
 * conflict in "Pre-check and Intercept" mode (a key someone wrote to the destination after the
 * precheck) fails the task once the load is done, naming the count; the events name the keys.
 */
export function rdbLoad({ writer, mapping, conflict, log, onIssue, functions, taskId, keyIncluded, throttle }: RdbLoadOptions): RdbLoad {
  const loader = new RdbLoader(writer, {
    conflict,
    taskId,
    dbs: mapping.selected,
    dbMap: new Map(mapping.selected.map((d) => [d, mapping.map(d)!])),
    functions,
    keyIncluded,
    throttle: throttle ? { take: (n, bytes) => throttle.take(n, bytes), ready: () => throttle.ready() } : undefined,
    // refused and inexact keys are divergences (the task's policy decides; their events come from there)
    onIssue: (i) => (onIssue && i.kind !== "conflict" ? onIssue(i) : log(i.kind === "conflict" || i.kind === "refused" || i.kind === "module" ? "error" : "warn", i.message)),
  });
  const load: RdbLoad = {
    event: (e) => loader.push(e),
    ready: () => loader.ready(),
    async finish() {
      const s = await loader.finish();
      const refused = Object.entries(s.modulesRefused);
      if (refused.length) log("error", `module values not written (the destination cannot load their type): ${refused.map(([m, n]) => `${n} of ${m}`).join(", ")}`);
      if (s.conflicts > 0) {
        throw new DtsError("CONFLICT", `${s.conflicts} keys already existed on the destination ("Pre-check and Intercept" mode): choose Ignore to overwrite them, or empty the destination, then restart the task`);
      }
    },
    get keys() {
      // the keys synchronized: not those of databases the task leaves out, nor the product's own
      // keys (heartbeats, a cascade's fences), which are written but are not data
      return loader.stats.keys - loader.stats.skippedDb - loader.stats.ownKeys - loader.stats.skippedFilter;
    },
    get skippedFilter() {
      return loader.stats.skippedFilter;
    },
    get skippedExpired() {
      return loader.stats.skippedExpired;
    },
    get failedKeys() {
      return loader.stats.failed;
    },
  };
  return load;
}
