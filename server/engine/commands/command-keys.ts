import { COMMAND_SPECS, KEYLESS, type CommandSpec, type LearnedCommands, type StoreLayout } from "./command-spec";
import { findKeys, parseCommandRow, type CommandKeyInfo } from "./key-specs";

/** Asks a server: `COMMAND INFO name` rows, `COMMAND GETKEYS argv…` key names (errors are thrown). */
export interface KeyServer {
  commandInfo(name: string): Promise<unknown>;
  getKeys(argv: Buffer[]): Promise<Buffer[]>;
}

/** names asked with COMMAND INFO at most: a stream of made-up names must not grow this without bound */
const MAX_ASKED = 1024;
/** a name no server knew is asked again after this long (a module may be loaded meanwhile) */
const ASK_AGAIN_MS = 10_000;
const NO_KEYS = /no key arguments/i;

/**
 * Where the keys of commands outside the static table are (module commands, commands of newer
 * servers), learned once at task start from COMMAND. Lookups cost nothing for known commands; a
 * name first seen later is learned with one COMMAND INFO; a call whose keys the specs cannot place
 * (movablekeys) is resolved with COMMAND GETKEYS on the destination, only when the destination is a
 * cluster (a standalone needs no routing). The applier awaits `resolve` before planning such a call.
 */
export class CommandKeys implements LearnedCommands {
  private readonly specs = new Map<string, CommandSpec>();
  /** names asked with COMMAND INFO that no server knew, with when */
  private readonly asked = new Map<string, number>();
  /** keys the destination named for one argv (by identity: the applier plans that same array) */
  private readonly resolved = new WeakMap<Buffer[], number[] | null>();

  constructor(
    private readonly table: Map<string, CommandKeyInfo>,
    private readonly server: KeyServer | null,
    private readonly cluster: boolean,
  ) {}

  /** names learned from the servers (for the task's log) */
  get names(): string[] {
    return [...this.table.keys()];
  }

  /** The spec planCommand uses for a command outside the static table. */
  get(name: string): CommandSpec | undefined {
    let spec = this.specs.get(name);
    if (spec) return spec;
    const info = this.table.get(name);
    spec = info ? this.specFor(info) : this.unknownSpec();
    if (info) this.specs.set(name, spec);
    return spec;
  }

  /** True when planning this call needs a round trip first (then await resolve). Cheap: no I/O. */
  pending(name: string, argv: Buffer[]): boolean {
    if (!this.cluster || this.server === null || COMMAND_SPECS.has(name) || KEYLESS.has(name) || this.resolved.has(argv)) return false;
    const info = this.table.get(name);
    if (!info) return this.mayAsk(name);
    return findKeys(info, argv) === null;
  }

  /** Learns the command (COMMAND INFO) if it is new, then asks for this call's keys if still needed. */
  async resolve(name: string, argv: Buffer[]): Promise<void> {
    const server = this.server;
    if (!server) return;
    if (!this.table.has(name) && this.mayAsk(name)) {
      this.asked.set(name, Date.now());
      try {
        const rows = await server.commandInfo(name);
        const info = Array.isArray(rows) ? parseCommandRow(rows[0]) : null;
        if (info) this.table.set(name, info);
      } catch {
        // a server that refuses COMMAND INFO: GETKEYS below still tells the keys
      }
    }
    const info = this.table.get(name);
    if (info && findKeys(info, argv) !== null) return;
    let names: Buffer[];
    try {
      names = await server.getKeys(argv);
    } catch (err) {
      this.resolved.set(argv, NO_KEYS.test((err as Error).message) ? [] : null);
      return;
    }
    this.resolved.set(argv, positionsOf(names, argv));
  }

  private mayAsk(name: string): boolean {
    const at = this.asked.get(name);
    if (at === undefined) return this.asked.size < MAX_ASKED;
    return Date.now() - at >= ASK_AGAIN_MS;
  }

  private specFor(info: CommandKeyInfo): CommandSpec {
    return {
      first: 0,
      last: 0,
      step: 1,
      crossSlot: "colocate",
      find: (argv) => findKeys(info, argv)?.keys ?? this.resolved.get(argv) ?? null,
      layout: (argv) => layoutOf(info, argv),
    };
  }

  /** a name no server described (yet): only COMMAND GETKEYS can place its keys */
  private unknownSpec(): CommandSpec {
    return { first: 0, last: 0, step: 1, crossSlot: "none", find: (argv) => this.resolved.get(argv) ?? null };
  }
}

/** One written key and the others only read: such a call can run where the written key lives. */
function layoutOf(info: CommandKeyInfo, argv: Buffer[]): StoreLayout | null {
  const found = findKeys(info, argv);
  if (!found?.written) return null;
  const writes = found.keys.filter((_, i) => found.written![i]);
  if (writes.length !== 1) return null;
  return { dest: writes[0], inputs: found.keys.filter((k) => k !== writes[0]) };
}

/** The argument indices of the key names a server returned, in order (a name may repeat). */
export function positionsOf(names: Buffer[], argv: Buffer[]): number[] | null {
  const out: number[] = [];
  let from = 1;
  for (const name of names) {
    let at = -1;
    for (let i = from; i < argv.length; i++) if (argv[i].equals(name)) {
      at = i;
      break;
    }
    if (at === -1) for (let i = 1; i < from && at === -1; i++) if (argv[i].equals(name)) at = i;
    if (at === -1) return null;
    out.push(at);
    from = at + 1;
  }
  return out;
}
