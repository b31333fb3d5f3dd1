import { z } from "zod";
import { ZInstanceModeSchema, ZInstanceTypeSchema } from "./endpoint.types";
import { ZConflictModeSchema, ZDivergencePolicySchema, ZInitialSyncSchema, ZKeyFilterSchema, ZSpeedLimitsSchema, ZTaskIdSchema, ZTaskNameSchema } from "./task.types";

/**
 * The "Configure Synchronization Channel" wizard's inputs, shared by its forms (field messages) and
 * its server actions (the same rules, enforced again). No server-only here.
 */

export const WIZARD_STEPS = [
  { n: 1, slug: "instances", title: "Configure Source and Destination Instances" },
  { n: 2, slug: "whitelist", title: "Set Whitelist and Next" },
  { n: 3, slug: "objects", title: "Processing Mode and Objects" },
  { n: 4, slug: "initial-sync", title: "Initial Synchronization" },
  { n: 5, slug: "precheck", title: "Precheck" },
] as const;
export type TWizardStep = (typeof WIZARD_STEPS)[number];

/** A host name, an IPv4 address or an IPv6 address (brackets allowed, removed). */
export const ZHostSchema = z
  .string()
  .trim()
  .min(1, "Enter the host: an IP address or a host name this engine can reach.")
  .max(253, "A host name has at most 253 characters.")
  .transform((h) => h.replace(/^\[(.*)\]$/, "$1"))
  .refine((h) => /^[A-Za-z0-9._%:-]+$/.test(h), "Enter a host name or an IP address without spaces, scheme or port (e.g. 10.0.0.5).");

export const ZPortSchema = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine((v) => v !== "", "Enter the port number.")
  .refine((v) => v === "" || /^\d+$/.test(v), "The port is a whole number, e.g. 6379.")
  .transform(Number)
  .refine((n) => Number.isNaN(n) || (n >= 1 && n <= 65535), "Enter a port number between 1 and 65535.");

export const ZEndpointFormSchema = z.object({
  instanceType: ZInstanceTypeSchema,
  regionLabel: z.string().trim().max(64, "Keep the region under 64 characters."),
  host: ZHostSchema,
  port: ZPortSchema,
  mode: ZInstanceModeSchema,
  /** `<user>:<password>` or a password; empty keeps the stored one */
  password: z.string().max(512, "The password field holds at most 512 characters.").optional(),
  /** remove the stored password (the server then needs none) */
  clearPassword: z.boolean().optional(),
  /** TLS toward this side; the PEM fields left empty keep what is stored */
  tls: z.boolean().optional(),
  tlsInsecure: z.boolean().optional(),
  tlsServername: z
    .string()
    .trim()
    .max(253, "A host name has at most 253 characters.")
    .refine((v) => v === "" || /^[A-Za-z0-9.*-]+$/.test(v), "Enter a host name, e.g. redis.example.com.")
    .optional(),
  tlsCa: z.string().max(65536, "Paste at most 64 KB of PEM.").optional(),
  tlsCert: z.string().max(65536, "Paste at most 64 KB of PEM.").optional(),
  tlsKey: z.string().max(65536, "Paste at most 64 KB of PEM.").optional(),
});
export type TEndpointForm = z.input<typeof ZEndpointFormSchema>;

export const ZConfigureInstancesSchema = z.object({
  id: ZTaskIdSchema,
  name: ZTaskNameSchema,
  source: ZEndpointFormSchema,
  destination: ZEndpointFormSchema,
});
export type TConfigureInstances = z.input<typeof ZConfigureInstancesSchema>;

export const ZDirectionSchema = z.enum(["next", "back"]);

export const ZConfigureObjectsSchema = z.object({
  id: ZTaskIdSchema,
  conflictMode: ZConflictModeSchema,
  selectedDbs: z.array(z.number().int().min(0).max(65535)).min(1, "Move at least one database to the Selected list.").max(65536),
  /** source db -> destination db, for the selected databases */
  dbMap: z.record(z.string().regex(/^\d+$/), z.number().int("A database number is a whole number.").min(0, "Database numbers start at 0.").max(65535, "Database numbers end at 65535.")),
  /** which keys of the selected databases are synchronized (Task.keyFilter); absent: unchanged */
  keyFilter: ZKeyFilterSchema.optional(),
  direction: ZDirectionSchema,
});
export type TConfigureObjects = z.input<typeof ZConfigureObjectsSchema>;

export const ZConfigureInitialSyncSchema = z.object({
  id: ZTaskIdSchema,
  initialSync: ZInitialSyncSchema,
  /** what a refused or inexact write does (Task.options.onInexact) */
  onInexact: ZDivergencePolicySchema,
  /** full sync keys/s and MB/s, incremental commands/s (Task.speedLimits); absent: unchanged */
  limits: ZSpeedLimitsSchema.optional(),
  direction: ZDirectionSchema,
});
export type TConfigureInitialSync = z.input<typeof ZConfigureInitialSyncSchema>;

export const ZVerificationModeSchema = z.enum(["full", "quick"]);
export const ZStartVerificationSchema = z.object({
  id: ZTaskIdSchema,
  mode: ZVerificationModeSchema,
  rounds: z.number().int().min(1, "At least one round.").max(10, "At most 10 rounds.").optional(),
});
export type TStartVerification = z.input<typeof ZStartVerificationSchema>;

export const ZVerificationRunInputSchema = z.object({ id: ZTaskIdSchema, runId: z.string().trim().min(1).max(64) });

export const ZSetDivergencePolicySchema = z.object({ id: ZTaskIdSchema, onInexact: ZDivergencePolicySchema });
export type TSetDivergencePolicy = z.input<typeof ZSetDivergencePolicySchema>;

/** What the wizard knows of a stored side (no secret). */
export interface TStoredSide {
  host: string;
  port: number;
  mode: string;
  hasPassword: boolean;
  tls?: boolean;
  tlsInsecure?: boolean;
  tlsServername?: string | null;
}

/**
 * A stored password is bound to the host, port and mode it was saved with: a side pointed elsewhere
 * must be given its password again (or be told it needs none). Null when nothing is asked.
 */
export function passwordReentryMessage(
  role: "source" | "destination",
  stored: TStoredSide | undefined,
  form: { host: string; port: number | string; mode: string; password?: string; clearPassword?: boolean; tls?: boolean; tlsInsecure?: boolean; tlsServername?: string },
): string | null {
  if (!stored?.hasPassword || form.password || form.clearPassword) return null;
  const host = form.host.trim().replace(/^\[(.*)\]$/, "$1");
  const sameTls =
    Boolean(form.tls) === Boolean(stored.tls) &&
    (!form.tls || (Boolean(form.tlsInsecure) === Boolean(stored.tlsInsecure) && (form.tlsServername?.trim() || null) === (stored.tlsServername || null)));
  if (host === stored.host && Number(form.port) === stored.port && form.mode === stored.mode && sameTls) return null;
  const side = role === "source" ? "source" : "destination";
  const how = `${stored.host}:${stored.port} (${stored.mode}${stored.tls ? `, TLS${stored.tlsInsecure ? " unverified" : ""}` : ", no TLS"})`;
  return `The ${side} now points at another address, mode or TLS setting, and its stored password is only ever sent to ${how}. Enter the password for the new settings, or tick "needs no password".`;
}

/** The wizard's preview of a key filter: its patterns against a sample of the source's keys. */
export const ZPreviewKeyFilterSchema = z.object({ id: ZTaskIdSchema, keyFilter: ZKeyFilterSchema });
export type TPreviewKeyFilter = z.input<typeof ZPreviewKeyFilterSchema>;
export interface TKeyFilterPreview {
  sampled: number;
  matched: number;
  /** "include usr:* matches none of 1000 sampled keys", one per such pattern */
  warnings: string[];
}

/** New speed limits for a task, running or not (a running engine picks them up within a second). */
export const ZSetSpeedLimitsSchema = z.object({ id: ZTaskIdSchema, limits: ZSpeedLimitsSchema });
export type TSetSpeedLimits = z.input<typeof ZSetSpeedLimitsSchema>;
