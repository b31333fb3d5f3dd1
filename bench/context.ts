import type { ConsoleProbe } from "./console-probe";
import type { BenchResults } from "./results.types";

export interface BenchOptions {
  quick: boolean;
  keys: number;
  reps: number;
  seed: number;
  incrementalRequests: number;
  /** the frozen backlog's size (catch-up.ts) */
  catchUpCommands: number;
  /** null: no scale run */
  scaleKeys: number | null;
  cluster: boolean;
  /** the big string of the big-value phase in bytes; null: no big-value phase */
  bigValueBytes: number | null;
  console: boolean;
  /** the engine runs its precheck inside every timed full sync (issue 15: "precheck included") */
  precheck: boolean;
  /** "auto": profile when a target is missed (full runs); "always"; "never" */
  profile: "auto" | "always" | "never";
  out: string | null;
}

const HELP = `npm run bench [-- options]
  --quick            100k keys, 1 repetition, 1M benchmark requests, a 32 MiB big value, no scale run
  --keys N           dataset size (default 1,000,000)
  --reps N           repetitions, median reported (default 3)
  --seed N           dataset seed (default 1)
  --incr-requests N  redis-benchmark -n (default 2,000,000)
  --catchup-commands N  the frozen backlog of mixed writes of the catch-up (default 2,000,000; quick 500,000)
  --scale-keys N     scale run size (default 5,000,000; 0 = none)
  --no-cluster       skip the cluster run
  --big-value-mib N  the big-value phase's one random string (default 256; quick 32)
  --no-big-value     skip the big-value phase
  --no-console       skip the console probe
  --skip-precheck    time the engine's full syncs without its precheck (issue 15 includes it)
  --profile auto|always|never   CPU profile of the engine (default auto: when a target is missed)
  --out FILE         results file (default bench/results/<date>.json)`;

export function parseOptions(argv: string[]): BenchOptions {
  const quick = argv.includes("--quick");
  const o: BenchOptions = {
    quick,
    keys: quick ? 100_000 : 1_000_000,
    reps: quick ? 1 : 3,
    seed: 1,
    // the quick run stays under a minute even with a slow engine; the full run uses the 2M
    incrementalRequests: quick ? 1_000_000 : 2_000_000,
    catchUpCommands: quick ? 500_000 : 2_000_000,
    scaleKeys: quick ? null : 5_000_000,
    cluster: true,
    bigValueBytes: (quick ? 32 : 256) * 1024 * 1024,
    console: true,
    precheck: true,
    profile: quick ? "never" : "auto",
    out: null,
  };
  const num = (i: number) => {
    const v = Number(String(argv[i + 1]).replace(/_/g, ""));
    if (!Number.isFinite(v) || v < 0) throw new Error(`${argv[i]} needs a number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") continue;
    else if (a === "--keys") o.keys = num(i++);
    else if (a === "--reps") o.reps = Math.max(1, num(i++));
    else if (a === "--seed") o.seed = num(i++);
    else if (a === "--incr-requests") o.incrementalRequests = num(i++);
    else if (a === "--catchup-commands") o.catchUpCommands = num(i++);
    else if (a === "--scale-keys") o.scaleKeys = num(i++) || null;
    else if (a === "--no-cluster") o.cluster = false;
    else if (a === "--big-value-mib") o.bigValueBytes = num(i++) * 1024 * 1024 || null;
    else if (a === "--no-big-value") o.bigValueBytes = null;
    else if (a === "--no-console") o.console = false;
    else if (a === "--skip-precheck") o.precheck = false;
    else if (a === "--profile") o.profile = argv[++i] as BenchOptions["profile"];
    else if (a === "--out") o.out = argv[++i];
    else if (a === "--help" || a === "-h") {
      console.log(HELP);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${HELP}`);
  }
  if (!["auto", "always", "never"].includes(o.profile)) throw new Error("--profile is auto, always or never");
  return o;
}

export interface BenchContext {
  o: BenchOptions;
  results: BenchResults;
  /** the data folder every engine run and the console share (one task per run) */
  dataDir: string;
  console: ConsoleProbe | null;
  log(message: string): void;
  /** a fresh task name: bench-<what>-<n> */
  task(what: string): string;
  error(phase: string, err: unknown): void;
}
