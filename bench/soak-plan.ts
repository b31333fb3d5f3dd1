import { Prng } from "../server/testing/fuzz/prng";
import { TOPOLOGIES, type TopologyName } from "../server/testing/fuzz/profiles";
import type { FuzzRoundOptions } from "../server/testing/fuzz/round";

/**
 * What one soak round does, from its seed alone: the topology (unless the command line fixes it),
 * the size of the data and of the workload, and when the engine is killed. So `--seed S --rounds 1`
 * runs the same round again (the kills land at the same op counts; their exact moments vary).
 */

export interface SoakOptions {
  minutes: number;
  /** first seed (then seed + 1, + 2…); random when absent */
  seed?: number;
  topology?: TopologyName;
  /** stop after this many rounds even if time remains */
  rounds?: number;
  /** pending-fix switches to turn on */
  with: string[];
  kills: boolean;
  /** ops per phase (default: from the seed, 1000-3000) */
  ops?: number;
}

export interface RoundPlan {
  seed: number;
  topology: TopologyName;
  round: Omit<FuzzRoundOptions, "log" | "reproduce">;
}

export function planRound(seed: number, o: SoakOptions): RoundPlan {
  const r = new Prng(`soak:${seed}`);
  const drawn = r.pick(TOPOLOGIES); // drawn even when fixed, so the other draws do not shift
  const topology = o.topology ?? drawn;
  const ops = () => o.ops ?? r.range(1000, 3000);
  return {
    seed,
    topology,
    round: {
      seed,
      opsDuringFull: ops(),
      opsAfter: ops(),
      connections: r.range(2, 4),
      filler: r.range(10_000, 60_000),
      big: r.chance(0.3),
      huge: r.chance(0.08),
      kills: o.kills ? { full: r.chance(0.6) ? 1 : 0, incremental: r.range(1, 3) } : { full: 0, incremental: 0 },
    },
  };
}

export function parseSoakArgs(argv: string[]): SoakOptions | "help" {
  const o: SoakOptions = { minutes: 15, with: [], kills: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number`);
      return n;
    };
    switch (flag) {
      case "--minutes": o.minutes = Number(value()); if (!(o.minutes > 0)) throw new Error("--minutes needs a positive number"); break;
      case "--seed": o.seed = int(); break;
      case "--topology": {
        const t = value();
        if (!(TOPOLOGIES as readonly string[]).includes(t)) throw new Error(`--topology must be one of ${TOPOLOGIES.join(", ")}`);
        o.topology = t as TopologyName;
        break;
      }
      case "--rounds": o.rounds = int(); break;
      case "--with": o.with = value().split(",").filter(Boolean); break;
      case "--no-kill": o.kills = false; break;
      case "--ops": o.ops = int(); break;
      case "--help": case "-h": return "help";
      default: throw new Error(`unknown flag ${flag} (see --help)`);
    }
  }
  return o;
}
