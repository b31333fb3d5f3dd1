/**
 * Where a command's keys are, as the server itself describes them in its COMMAND / COMMAND INFO
 * reply. Redis 7+ and Valkey rows carry key specs at index 8 (a begin_search step: an index or a
 * keyword; a find_keys step: a range or a numkeys argument); older servers give only first, last and
 * step at 3-5. The interpreter mirrors the server's own getKeysUsingKeySpecs, so a module command
 * is routed to the node that will accept it. Rows come from a server: nothing here throws on them.
 */

export interface KeySpec {
  /** lower-case flags: ro, rw, ow, rm, access, update, insert, delete, not_key, incomplete, variable_flags */
  flags: ReadonlySet<string>;
  begin: { type: "index"; index: number } | { type: "keyword"; keyword: string; startfrom: number } | { type: "unknown" };
  find: { type: "range"; lastkey: number; keystep: number; limit: number } | { type: "keynum"; keynumidx: number; firstkey: number; keystep: number } | { type: "unknown" };
}

export interface CommandKeyInfo {
  /** lower-case; a subcommand is "parent|sub" */
  name: string;
  /** lower-case command flags (write, readonly, movablekeys, module…) */
  flags: ReadonlySet<string>;
  first: number;
  last: number;
  step: number;
  /** null: the server predates key specs (before 7.0) */
  specs: KeySpec[] | null;
  /** by lower-case subcommand name (the part after "|") */
  subcommands: ReadonlyMap<string, CommandKeyInfo>;
}

/** The keys of one argv: argument indices, and per key whether the command writes it. */
export interface FoundKeys {
  keys: number[];
  /** same length as keys; null when the server's flags for them are not reliable */
  written: boolean[] | null;
}

const WRITE_FLAGS = ["rw", "ow", "rm", "insert", "delete", "update"];

const text = (x: unknown): string | null => (typeof x === "string" ? x : Buffer.isBuffer(x) ? x.toString() : null);
const int = (x: unknown): number | null => {
  const n = typeof x === "number" ? x : typeof x === "string" || Buffer.isBuffer(x) ? Number(x.toString()) : NaN;
  return Number.isSafeInteger(n) ? n : null;
};

/** A RESP2 flat [k, v, k, v] array (or a RESP3 map already made an object) as a lookup; null when it is neither. */
function fields(x: unknown): Map<string, unknown> | null {
  if (x instanceof Map) return new Map([...x].map(([k, v]) => [String(k).toLowerCase(), v]));
  if (Array.isArray(x)) {
    if (x.length % 2 !== 0) return null;
    const m = new Map<string, unknown>();
    for (let i = 0; i < x.length; i += 2) {
      const k = text(x[i]);
      if (k === null) return null;
      m.set(k.toLowerCase(), x[i + 1]);
    }
    return m;
  }
  if (x !== null && typeof x === "object" && !Buffer.isBuffer(x)) return new Map(Object.entries(x).map(([k, v]) => [k.toLowerCase(), v]));
  return null;
}

function flagSet(x: unknown): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(x)) for (const f of x) {
    const t = text(f);
    if (t !== null) out.add(t.toLowerCase());
  }
  return out;
}

function parseSpec(x: unknown): KeySpec | null {
  const f = fields(x);
  if (!f) return null;
  const bs = fields(f.get("begin_search"));
  const fk = fields(f.get("find_keys"));
  const bsSpec = fields(bs?.get("spec")) ?? new Map();
  const fkSpec = fields(fk?.get("spec")) ?? new Map();
  let begin: KeySpec["begin"] = { type: "unknown" };
  const bsType = text(bs?.get("type"))?.toLowerCase();
  if (bsType === "index") {
    const index = int(bsSpec.get("index"));
    if (index !== null) begin = { type: "index", index };
  } else if (bsType === "keyword") {
    const keyword = text(bsSpec.get("keyword"));
    const startfrom = int(bsSpec.get("startfrom"));
    if (keyword !== null && startfrom !== null) begin = { type: "keyword", keyword: keyword.toLowerCase(), startfrom };
  }
  let find: KeySpec["find"] = { type: "unknown" };
  const fkType = text(fk?.get("type"))?.toLowerCase();
  if (fkType === "range") {
    const [lastkey, keystep, limit] = [int(fkSpec.get("lastkey")), int(fkSpec.get("keystep")), int(fkSpec.get("limit"))];
    if (lastkey !== null && keystep !== null && keystep > 0) find = { type: "range", lastkey, keystep, limit: limit ?? 0 };
  } else if (fkType === "keynum") {
    const [keynumidx, firstkey, keystep] = [int(fkSpec.get("keynumidx")), int(fkSpec.get("firstkey")), int(fkSpec.get("keystep"))];
    if (keynumidx !== null && keynumidx >= 0 && firstkey !== null && keystep !== null && keystep > 0) find = { type: "keynum", keynumidx, firstkey, keystep };
  }
  return { flags: flagSet(f.get("flags")), begin, find };
}

/** One COMMAND / COMMAND INFO row, or null when it is not one (a nil for an unknown name, garbage). */
export function parseCommandRow(row: unknown): CommandKeyInfo | null {
  if (!Array.isArray(row) || row.length < 6) return null;
  const name = text(row[0])?.toLowerCase();
  const [first, last, step] = [int(row[3]), int(row[4]), int(row[5])];
  if (!name || first === null || last === null || step === null) return null;
  let specs: KeySpec[] | null = null;
  if (row.length > 8 && Array.isArray(row[8])) {
    specs = [];
    for (const s of row[8]) {
      const spec = parseSpec(s);
      if (spec) specs.push(spec);
      // a spec we cannot read stands as unknown: its keys must come from the server
      else specs.push({ flags: new Set(), begin: { type: "unknown" }, find: { type: "unknown" } });
    }
  }
  const subcommands = new Map<string, CommandKeyInfo>();
  if (row.length > 9 && Array.isArray(row[9])) {
    for (const s of row[9]) {
      const sub = parseCommandRow(s);
      if (!sub) continue;
      const bar = sub.name.indexOf("|");
      subcommands.set(bar === -1 ? sub.name : sub.name.slice(bar + 1), sub);
    }
  }
  return { name, flags: flagSet(row[2]), first, last, step, specs, subcommands };
}

/** Every row of a COMMAND reply, by name; rows that cannot be read are left out. */
export function parseCommandTable(reply: unknown): Map<string, CommandKeyInfo> {
  const out = new Map<string, CommandKeyInfo>();
  if (!Array.isArray(reply)) return out;
  for (const row of reply) {
    const info = parseCommandRow(row);
    if (info) out.set(info.name, info);
  }
  return out;
}

/** The row that describes argv: its subcommand's when the command has subcommands. */
export function rowFor(info: CommandKeyInfo, argv: Buffer[]): CommandKeyInfo {
  if (info.subcommands.size === 0 || argv.length < 2) return info;
  return info.subcommands.get(argv[1].toString("latin1").toLowerCase()) ?? info;
}

/** The server's getKeysUsingKeySpecs: null when a spec is unknown, incomplete or out of bounds. */
function bySpecs(specs: KeySpec[], argv: Buffer[]): FoundKeys | null {
  const argc = argv.length;
  const keys: number[] = [];
  const written: boolean[] = [];
  let reliable = true;
  for (const spec of specs) {
    if (spec.flags.has("not_key")) continue;
    if (spec.flags.has("variable_flags")) reliable = false;
    let first = 0;
    if (spec.begin.type === "index") first = spec.begin.index;
    else if (spec.begin.type === "keyword") {
      const { keyword, startfrom } = spec.begin;
      const start = startfrom > 0 ? startfrom : argc + startfrom;
      const end = startfrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i].toString("latin1").toLowerCase() === keyword) {
          first = i + 1;
          break;
        }
      }
      if (!first) continue; // the keyword is absent: this spec has no keys here
    } else return null;

    let last: number;
    let step: number;
    const fk = spec.find;
    if (fk.type === "range") {
      step = fk.keystep;
      if (fk.lastkey >= 0) last = first + fk.lastkey;
      else if (!fk.limit) last = argc + fk.lastkey;
      else {
        if (fk.lastkey !== -1) return null;
        last = first + (Math.floor((argc - first) / fk.limit) + fk.lastkey);
      }
    } else if (fk.type === "keynum") {
      step = fk.keystep;
      if (fk.keynumidx >= argc || first + fk.keynumidx >= argc) return null;
      const raw = argv[first + fk.keynumidx].toString("latin1");
      if (!/^(0|-?[1-9]\d*)$/.test(raw)) return null;
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n < 0) return null;
      first += fk.firstkey;
      last = first + n - 1;
    } else return null;

    if (last >= argc || last < first || first >= argc) {
      // numkeys 0 gives last < first: no keys from this spec (the server rejects it; we need not)
      if (fk.type === "keynum" && last === first - 1) continue;
      return null;
    }
    const w = WRITE_FLAGS.some((f) => spec.flags.has(f));
    for (let i = first; i <= last; i += step) {
      if (i >= argc) continue;
      keys.push(i);
      written.push(w);
    }
    if (spec.flags.has("incomplete")) return null;
  }
  return { keys, written: reliable ? written : null };
}

/**
 * The keys of argv by what the server reported for its command, or null when only the server can
 * say (a movablekeys command whose specs do not cover this call: ask it with COMMAND GETKEYS).
 */
export function findKeys(command: CommandKeyInfo, argv: Buffer[]): FoundKeys | null {
  const info = rowFor(command, argv);
  const usable = info.specs?.some((s) => !s.flags.has("not_key"));
  if (info.specs && usable) {
    const found = bySpecs(info.specs, argv);
    if (found) return found;
    return null;
  }
  if (info.flags.has("movablekeys")) return null;
  if (info.specs && info.specs.length > 0) return null; // only "not a key" specs and yet keys somewhere: ask
  // before 7.0 (or no specs at all): first, last, step
  if (info.first <= 0) return { keys: [], written: [] };
  const last = info.last < 0 ? argv.length + info.last : info.last;
  const step = info.step > 0 ? info.step : 1;
  const keys: number[] = [];
  for (let i = info.first; i <= last && i < argv.length; i += step) keys.push(i);
  const writes = info.flags.has("write");
  // the old format says nothing per key: only a single key is known to be the written one
  return { keys, written: keys.length === 1 ? [writes] : null };
}
