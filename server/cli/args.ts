/** Minimal, strict flag parser: scripts rely on these flags, so unknown ones are errors, not ignored. */
export interface FlagSpec {
  /** flag name without dashes */
  name: string;
  /** takes a value (`--flag value` or `--flag=value`) or is a boolean switch */
  value: boolean;
  help: string;
  valueName?: string;
  /** may be given several times: every value is in ParsedArgs.lists (flags holds the last) */
  repeatable?: boolean;
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** every value of a repeatable flag, in order */
  lists?: Record<string, string[]>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const COMMON: FlagSpec[] = [
  { name: "debug", value: false, help: "print stack traces on errors" },
  { name: "help", value: false, help: "show this help" },
];

export function parseArgs(argv: string[], specs: FlagSpec[]): ParsedArgs {
  const all = [...specs, ...COMMON];
  const byName = new Map(all.map((s) => [s.name, s]));
  const flags: ParsedArgs["flags"] = {};
  const positionals: string[] = [];
  const lists: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "--") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown option --${name}`);
    if (!spec.value) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
    }
    if (spec.repeatable) (lists[name] ??= []).push(value);
    flags[name] = value;
  }
  return { flags, positionals, lists };
}

export function formatFlags(specs: FlagSpec[]): string {
  const rows = [...specs, ...COMMON].map((s) => {
    const left = `  --${s.name}${s.value ? ` ${s.valueName ?? "VALUE"}` : ""}${s.repeatable ? " …" : ""}`;
    return `${left.padEnd(34)}${s.help}`;
  });
  return rows.join("\n");
}
