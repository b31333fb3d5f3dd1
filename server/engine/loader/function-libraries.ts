import type { Cluster, Redis } from "ioredis";

/**
 * The Functions libraries of one task's destination, shared by its shards. Functions live per node,
 * so operators load the same library on every master of a source cluster: each master's RDB and
 * stream then carry the same FUNCTION LOAD. A library is identified by its name and compared by its
 * code: the same library again is no conflict (it is loaded once); a different library under a name
 * the destination already has is one.
 */

export type LibraryDecision =
  /** not on the destination: load it */
  | "load"
  /** the same code is on the destination already */
  | "same"
  /** the destination has a different library of that name */
  | "different";

/** `#!lua name=mylib` → "mylib" (null when the code has no valid shebang: the server refuses it too) */
export function libraryName(code: Buffer): string | null {
  const end = code.indexOf(10);
  const first = code.subarray(0, end === -1 ? Math.min(code.length, 512) : Math.min(end, 512)).toString("utf8");
  if (!first.startsWith("#!")) return null;
  const m = /(?:^|\s)name=(\S+)/.exec(first.slice(2));
  return m ? m[1] : null;
}

export class FunctionLibraries {
  /** name → code; null: a library of that name whose code is not known (treated as different) */
  private readonly libs = new Map<string, Buffer | null>();
  /** false until read, and again after something replaced the set wholesale (FUNCTION RESTORE) */
  private known = false;

  /** Reads the libraries the destination holds (every master); a destination without Functions holds none. */
  async read(control: Redis | Cluster): Promise<void> {
    this.libs.clear();
    const cluster = "nodes" in control;
    if (cluster && control.status !== "ready") await new Promise((r) => control.once("ready", r));
    const nodes: Redis[] = cluster ? (control as Cluster).nodes("master") : [control as Redis];
    try {
      for (const node of nodes) {
        const reply = (await node.callBuffer("FUNCTION", "LIST", "WITHCODE")) as unknown[];
        for (const lib of reply ?? []) {
          const fields = lib as unknown[];
          let name: string | null = null;
          let code: Buffer | null = null;
          for (let i = 0; i + 1 < fields.length; i += 2) {
            const field = String(fields[i]);
            if (field === "library_name") name = String(fields[i + 1]);
            else if (field === "library_code") code = fields[i + 1] as Buffer;
          }
          if (name === null) continue;
          const seen = this.libs.get(name);
          // two masters with different code under one name: no code matches every node
          this.libs.set(name, seen === undefined ? code : seen !== null && code !== null && seen.equals(code) ? seen : null);
        }
      }
      this.known = true;
    } catch (err) {
      // no FUNCTION command (before 7.0): nothing to compare against, loads go through as they are
      if ((err as Error)?.name !== "ReplyError") throw err;
      this.known = true;
    }
  }

  decide(code: Buffer): LibraryDecision {
    const name = libraryName(code);
    if (!this.known || name === null) return "load";
    const seen = this.libs.get(name);
    if (seen === undefined) return "load";
    return seen !== null && seen.equals(code) ? "same" : "different";
  }

  loaded(code: Buffer): void {
    const name = libraryName(code);
    if (name !== null) this.libs.set(name, Buffer.from(code));
  }

  has(name: string): boolean {
    return !this.known || this.libs.has(name);
  }

  deleted(name: string): void {
    this.libs.delete(name);
  }

  flushed(): void {
    this.libs.clear();
    this.known = true;
  }

  /** after FUNCTION RESTORE the set is whatever the payload held: nothing is skipped until read again */
  forget(): void {
    this.libs.clear();
    this.known = false;
  }
}
