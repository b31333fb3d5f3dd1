import type { z } from "zod";

/**
 * JSON documents are stored as strings (portable across SQLite and PostgreSQL). Reading one back goes
 * through its zod schema; a damaged value yields the fallback instead of breaking a page.
 */
export function parseJsonField<T>(text: string | null | undefined, schema: z.ZodType<T>, fallback: T): T {
  if (!text) return fallback;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

export function toJsonField(value: unknown): string {
  return JSON.stringify(value);
}
