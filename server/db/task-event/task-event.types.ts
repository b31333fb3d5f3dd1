import { z } from "zod";

export const ZEventLevelSchema = z.enum(["info", "warn", "error"]);
export type TEventLevel = z.infer<typeof ZEventLevelSchema>;
