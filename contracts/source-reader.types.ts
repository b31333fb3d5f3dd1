import { z } from "zod";
import { ZTaskIdSchema } from "./task.types";

/**
 * The wizard's consent to the scan reader (Task.sourceReader): "auto" reads a source that refuses
 * PSYNC with SCAN + DUMP and keyspace notifications (best effort: verify before switching); "psync"
 * replicates only, and a refused PSYNC fails the precheck.
 */
export const ZSetSourceReaderSchema = z.object({
  id: ZTaskIdSchema,
  sourceReader: z.enum(["auto", "psync"]),
});
export type TSetSourceReader = z.infer<typeof ZSetSourceReaderSchema>;
