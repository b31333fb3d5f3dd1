/**
 * Next's start hook: tasks that were running when the console stopped start again (each engine
 * resumes from its checkpoints). Runs once per server process, in the Node.js runtime only.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  try {
    // metric samples and events of every task (a stopped task's engine prunes nothing)
    const { keepPruning, retentionSettings } = await import("./server/runner/retention");
    keepPruning({ settings: retentionSettings(), onError: (m) => console.error(`redis-dts: ${m}`) });
  } catch (err) {
    console.error(`redis-dts: old metric samples and events are not pruned: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const { resumeTasks } = await import("./server/runner/engine-host");
    const n = await resumeTasks();
    if (n > 0) console.log(`redis-dts: resumed ${n} task${n === 1 ? "" : "s"} that were running`);
  } catch (err) {
    // The console must come up even when the database cannot be read yet; the tasks stay as they are.
    console.error(`redis-dts: could not resume running tasks: ${err instanceof Error ? err.message : String(err)}`);
  }
  // The status view of a task that is initializing counts the source's keys (ioredis, topology),
  // which loaded on the first such request: the event loop stood still 100-250 ms while a full sync
  // shared the CPU, and that status request (and any beside it) waited. Loaded now, while idle (the
  // status view imports the key count and with it the topology and ioredis).
  void import("./server/console/status-view").catch((err) => console.error(`redis-dts: could not preload the status view: ${err instanceof Error ? err.message : String(err)}`));
}
