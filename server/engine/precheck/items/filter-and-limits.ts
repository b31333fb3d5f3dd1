import { describeError } from "../../../errors";
import { infoNumber } from "../../topology";
import { sampleFilter, unmatchedPatterns } from "../../filter/sample-filter";
import { describeLimits } from "../../limit/speed-limiter";
import { passed, warning, type PrecheckItem } from "../types";
import { blockedReason, dataNodes, plural, type PrecheckContext } from "../context";
import { selectedDbs } from "./databases";

/**
 * The key filter against a sample of the source: a pattern that matches none of the sampled keys is
 * most often a typo (a warning naming the sample's size: the keys may exist beyond the sample).
 */
export async function keyFilterItem(ctx: PrecheckContext): Promise<PrecheckItem> {
  const id = "key_filter";
  const spec = ctx.opts.keyFilter;
  if (!spec || (spec.include.length === 0 && spec.exclude.length === 0)) return passed(id, "no key filter: every key is synchronized");
  const blocked = blockedReason(ctx.source);
  if (blocked) return warning(id, blocked, "Fix the source connectivity and authentication first.");
  const db = ctx.source.topology?.mode === "cluster" ? 0 : (selectedDbs(ctx).dbs[0] ?? 0);
  let s;
  try {
    s = await sampleFilter(ctx.source.endpoint, spec, { size: 1000, timeoutMs: ctx.timeoutMs, db });
  } catch (err) {
    return warning(id, `the source's keys could not be sampled (${describeError(err)})`, "Check that the account may run SCAN on the source.");
  }
  const unmatched = unmatchedPatterns(s);
  const summary = `${plural(s.matched, "key")} of ${s.sampled} sampled match the filter`;
  if (s.sampled > 0 && (unmatched.length > 0 || s.matched === 0)) {
    return warning(id, `${summary}; ${unmatched.join("; ") || "no sampled key is included"}`, "Check the patterns (Redis MATCH syntax: * ? [..] and \\ to escape); keys beyond the sample may still match.");
  }
  return passed(id, summary);
}

/**
 * A commands/s limit below the rate the source is written at makes the destination fall further
 * behind for as long as that lasts (the spool holds what waits, on disk beyond its memory).
 */
export function speedLimitItem(ctx: PrecheckContext): PrecheckItem {
  const id = "speed_limits";
  const limits = ctx.opts.limits ?? {};
  const text = describeLimits(limits);
  if (!limits.cmdsPerSec) return passed(id, text === "no limit" ? "no speed limit" : `speed limit: ${text}`);
  if (blockedReason(ctx.source)) return passed(id, `speed limit: ${text} (the source's write rate could not be read)`);
  const rate = dataNodes(ctx.source).reduce((n, node) => n + (infoNumber(node.probe.info ?? {}, "instantaneous_ops_per_sec") ?? 0), 0);
  if (rate > limits.cmdsPerSec) {
    return warning(
      id,
      `the commands/s limit (${limits.cmdsPerSec}) is below the source's recent rate of ${rate} operations/s: the destination will fall behind while that rate lasts (the engine still reads the source at full speed into its spool)`,
      "Raise or remove --max-cmds-per-sec (it can be changed while the task runs, from its status page).",
    );
  }
  return passed(id, `speed limit: ${text}; the source's recent rate is ${rate} operations/s`);
}
