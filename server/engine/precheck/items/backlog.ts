import { infoNumber, parseInfo, type InfoFields } from "../../topology";
import { describeError } from "../../../errors";
import { failed, passed, warning, type PrecheckItem } from "../types";
import { blockedReason, dataNodes, formatBytes, listSome, onNode, type CheckedNode, type PrecheckContext } from "../context";

/** The backlog should survive a disconnection of this long without a full resynchronization. */
export const COVER_SECONDS = 60;
/** The recommended size holds this many seconds of writes at the sampled rate. */
export const RECOMMEND_SECONDS = 300;
const MIN_REPL_TIMEOUT = 60;
const MIB = 1024 * 1024;

interface Sample {
  address: string;
  backlog: number;
  /** bytes per second */
  rate: number;
  /** how the rate was measured */
  source: "master_repl_offset" | "total_net_input_bytes";
  replTimeout?: number;
}

function counter(info: InfoFields): { value: number; source: Sample["source"] } {
  // Without a backlog (no replica yet) the replication offset stands still; all bytes received are
  // then an upper bound of the write traffic.
  if (info.repl_backlog_active === "1" || (infoNumber(info, "master_repl_offset") ?? 0) > 0) {
    return { value: infoNumber(info, "master_repl_offset") ?? 0, source: "master_repl_offset" };
  }
  return { value: infoNumber(info, "total_net_input_bytes") ?? 0, source: "total_net_input_bytes" };
}

async function sample(ctx: PrecheckContext, node: CheckedNode, sampleMs: number): Promise<Sample> {
  return onNode(ctx, ctx.source, node, async (c) => {
    const before = parseInfo(String(await c.call("INFO")));
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, sampleMs));
    const after = parseInfo(String(await c.call("INFO")));
    const seconds = Math.max(0.001, (performance.now() - t0) / 1000);
    const a = counter(before);
    const b = counter(after);
    const delta = a.source === b.source ? Math.max(0, b.value - a.value) : 0;
    const timeout = await c.call("CONFIG", "GET", "repl-timeout").catch(() => undefined);
    const replTimeout = Array.isArray(timeout) && timeout.length >= 2 ? Number(String(timeout[1])) : undefined;
    return { address: node.address, backlog: infoNumber(after, "repl_backlog_size") ?? 0, rate: delta / seconds, source: b.source, replTimeout };
  });
}

export function recommendedBacklog(rate: number): number {
  const bytes = rate * RECOMMEND_SECONDS;
  let size = MIB;
  while (size < bytes) size *= 2;
  return size;
}

/** repl-backlog-size holds a disconnection's worth of writes at the sampled rate; repl-timeout advice. */
export async function backlogItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "source_backlog";
  const blocked = blockedReason(ctx.source);
  if (blocked) return failed(id, blocked, "Fix the source connectivity and authentication first.");
  const sampleMs = ctx.opts.sampleMs ?? 1000;
  let samples: Sample[];
  try {
    samples = await Promise.all(dataNodes(ctx.source).map((n) => sample(ctx, n, sampleMs)));
  } catch (err) {
    return warning(id, `the write rate could not be sampled: ${describeError(err)}`, `Make sure repl-backlog-size on every source master holds at least ${COVER_SECONDS} s of writes.`);
  }
  if (samples.length === 0) return failed(id, "not checked because no source master could be queried", "Fix the source connectivity first.");
  const small = samples.filter((s) => s.backlog < s.rate * COVER_SECONDS);
  const shortTimeout = samples.filter((s) => s.replTimeout !== undefined && s.replTimeout < MIN_REPL_TIMEOUT);
  const describe = (s: Sample) =>
    `${s.address}: repl-backlog-size ${formatBytes(s.backlog)}, writes ~${formatBytes(Math.round(s.rate))}/s${s.source === "total_net_input_bytes" ? " (upper bound from network input: no backlog active yet)" : ""}${s.replTimeout !== undefined ? `, repl-timeout ${s.replTimeout} s` : ""}`;
  const timeoutAdvice = `Keep repl-timeout at ${MIN_REPL_TIMEOUT} s or more (CONFIG SET repl-timeout ${MIN_REPL_TIMEOUT}) so a long full synchronization is not cut off.`;
  if (small.length > 0) {
    const worst = Math.max(...small.map((s) => s.rate));
    const rec = recommendedBacklog(worst);
    return warning(
      id,
      `the backlog holds less than ${COVER_SECONDS} s of writes (sampled over ${sampleMs} ms) on ${listSome(small.map(describe), 3)}: a short disconnection then forces a new full synchronization`,
      `Set repl-backlog-size to ${formatBytes(rec)} or more on every source master (CONFIG SET repl-backlog-size ${rec / MIB}mb, and in redis.conf): about ${RECOMMEND_SECONDS} s of writes at the sampled rate. ${timeoutAdvice}`,
    );
  }
  if (shortTimeout.length > 0) {
    return warning(id, `the repl-timeout is short on ${listSome(shortTimeout.map(describe), 3)}`, timeoutAdvice);
  }
  return passed(id, `The backlog holds at least ${COVER_SECONDS} s of writes (sampled over ${sampleMs} ms): ${listSome(samples.map(describe), 3)}.`);
}
