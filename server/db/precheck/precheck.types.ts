import { z } from "zod";

export const ZPrecheckItemStatusSchema = z.enum(["pending", "passed", "warning", "failed"]);
export type TPrecheckItemStatus = z.infer<typeof ZPrecheckItemStatusSchema>;

export const ZPrecheckRunStatusSchema = z.enum(["running", "passed", "failed"]);
export type TPrecheckRunStatus = z.infer<typeof ZPrecheckRunStatusSchema>;

export interface TPrecheckItemInput {
  itemId: string;
  name: string;
  status: TPrecheckItemStatus;
  message?: string;
  fix?: string;
}
