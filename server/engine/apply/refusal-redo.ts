import { randomBytes } from "node:crypto";
import { COMMAND_SPECS, commandName, keyIndicesOf } from "../commands/command-spec";
import { FENCE_SCRIPT, REDO_SCRIPT } from "./fence";
import type { CommandFailure } from "../writer/types";

/**
 * When the divergence policy pauses a shard at a refused write, the writes pipelined after it have
 * run already (the destination answered them before the shard stopped). A resume continues from the
 * refused command's offset, so it must not apply those again, and must apply the refused ones once
 * the operator fixed the cause. The checkpoint carries both:
 * - `skipTo`: every write of a command starting below it was acknowledged (or refused): skipped;
 * - `redo`: the refused writes as the source meant them, applied once at resume under a marker key
 *   checked and set in the same script (a crash in between cannot apply one twice).
 * A marker is named by the write's `id`, drawn when the write is refused and stored with it, so every
 * resume from that checkpoint (again after a crash in the redo) checks the same marker. A write
 * refused again at a resume did not run (the script stops at the error, before setting its marker),
 * so the next pause stores it under a new id. Markers were once named by the pause offset and the
 * place in the list: a write refused again moved up in the next pause's shorter list, took the name
 * of a marker set by a write applied at the first resume, and was skipped without a word.
 * A refused write sent again after later writes to the same key ran is applied out of order: its keys
 * are recorded as divergent, so Data Verification checks them first.
 */

export interface RedoWrite {
  /** destination database */
  db: number;
  /** routing key (null: keyless) */
  key: Buffer | null;
  argv: Buffer[];
  /** names its exactly-once marker (newRedoId); absent in a checkpoint stored by an earlier version */
  id?: string;
}

export interface ResumeFix {
  skipTo: number;
  redo: RedoWrite[];
}

/** an id no marker had before: 64 random bits */
export function newRedoId(): string {
  return randomBytes(8).toString("hex");
}

/**
 * The name of the marker guarding write `n` of the redo list of the pause at `pauseOffset`: its own
 * id, or for a write stored without one the name the earlier version gave it, so a redo it cut short
 * by a crash is finished without applying a write twice.
 */
export function redoMarkerId(w: RedoWrite, pauseOffset: number, n: number): string {
  return w.id ?? `${pauseOffset}:${n}`;
}

/** redo lists longer than this are cut: the rest are reported as inexact (their keys recorded) */
export const MAX_REDO = 10_000;

/**
 * The write the source meant, from what was sent: unwrapped from the fence script, or from the redo
 * script when a write refused before a pause is refused again at the resume (kept wrapped, the next
 * resume would route it by the marker key and nest the script).
 */
export function unfenced(argv: Buffer[]): Buffer[] {
  if (argv.length > 6 && commandName(argv[0]) === "eval" && argv[1].equals(FENCE_SCRIPT)) return argv.slice(6);
  if (argv.length > 5 && commandName(argv[0]) === "eval" && argv[1].equals(REDO_SCRIPT)) return argv.slice(5);
  return argv;
}

/** The key a write is routed by (its first key), null for a keyless command. */
export function routingKey(argv: Buffer[]): Buffer | null {
  if (argv.length < 2) return null;
  const spec = COMMAND_SPECS.get(commandName(argv[0]));
  if (!spec) return argv[1];
  try {
    const idx = keyIndicesOf(spec, argv);
    if (idx === null) return argv[1]; // only the server knows: as for a command outside the table
    return idx.length ? argv[idx[0]] : null;
  } catch {
    return argv[1];
  }
}

/**
 * The writes a refusal leaves undone: the refused write itself; for an error inside EXEC the one
 * command of the transaction that failed; for EXECABORT (the transaction did not run) all of them.
 * `txWrites` gives a recent transaction's framed writes (MULTI, writes…, EXEC) by its tag.
 */
export function undoneWrites(f: CommandFailure, db: number, txWrites: (tag: number) => Buffer[][] | undefined): RedoWrite[] {
  const name = commandName(f.argv[0] ?? Buffer.alloc(0));
  if (name === "exec") {
    const framed = txWrites(f.tag);
    if (!framed) return [];
    const inner = framed.slice(1, -1);
    const pick = f.inTransaction && f.innerIndex !== undefined ? [inner[f.innerIndex]].filter(Boolean) : inner;
    return pick.map((argv) => {
      const w = unfenced(argv);
      return { db, key: routingKey(w), argv: w };
    });
  }
  // a command refused while queued inside MULTI: the EXECABORT that follows redoes the whole transaction
  if (txWrites(f.tag)) return [];
  const w = unfenced(f.argv);
  if (commandName(w[0]) === "multi") return [];
  return [{ db, key: routingKey(w), argv: w }];
}

export function encodeResume(r: ResumeFix | null | undefined): string | null {
  if (!r) return null;
  return JSON.stringify({
    skipTo: r.skipTo,
    redo: r.redo.map((w) => ({ db: w.db, key: w.key?.toString("base64") ?? null, argv: w.argv.map((a) => a.toString("base64")), ...(w.id && { id: w.id }) })),
  });
}

export function decodeResume(text: string | null | undefined): ResumeFix | undefined {
  if (!text) return undefined;
  try {
    const j = JSON.parse(text) as { skipTo: number; redo: Array<{ db: number; key: string | null; argv: string[]; id?: unknown }> };
    if (!Number.isFinite(j.skipTo) || !Array.isArray(j.redo)) return undefined;
    return {
      skipTo: j.skipTo,
      redo: j.redo.map((w) => ({
        db: Number(w.db) || 0,
        key: w.key === null ? null : Buffer.from(w.key, "base64"),
        argv: w.argv.map((a) => Buffer.from(a, "base64")),
        ...(typeof w.id === "string" && w.id && { id: w.id }),
      })),
    };
  } catch {
    return undefined;
  }
}
