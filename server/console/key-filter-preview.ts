import "server-only";
import { DtsError } from "@/server/errors";
import { getEndpointCredentials } from "@/server/db/endpoint/get-endpoint-credentials";
import { sampleFilter, unmatchedPatterns } from "@/server/engine/filter/sample-filter";
import type { KeyFilterSpec } from "@/server/engine/filter/key-filter";
import type { Endpoint } from "@/server/engine/endpoint";
import type { TKeyFilterPreview } from "@/contracts/configure-task.types";

/** keys sampled for the wizard's preview (spread over the masters of a cluster) */
export const PREVIEW_SAMPLE = 1000;

/** The objects step's preview: "N of M sampled keys match", and the patterns that match none of them. */
export async function previewKeyFilter(taskId: string, spec: KeyFilterSpec, db: number): Promise<TKeyFilterPreview> {
  const source = await getEndpointCredentials({ taskId, role: "source" });
  if (!source?.host) throw new DtsError("INVALID_CONFIG", "Configure the source first: the preview samples its keys.");
  const s = await sampleFilter(source as Endpoint, spec, { size: PREVIEW_SAMPLE, timeoutMs: 3000, db });
  const warnings = unmatchedPatterns(s);
  if (s.sampled > 0 && s.matched === 0 && warnings.length === 0) warnings.push(`no key of the ${s.sampled} sampled is included (the excludes remove every one)`);
  return { sampled: s.sampled, matched: s.matched, warnings };
}
