import { Redis } from "ioredis";
import { parseRedisUri, type Endpoint } from "../../engine/endpoint";
import { startCluster, startRedis, type RedisClusterHandle, type RedisNode } from "../redis-harness";
import { buildModule } from "../modules/build-module";
import type { FuzzProfile, SideShape } from "./profiles";

/**
 * The real servers of a profile: a source and a destination of the profile's shapes, started once and
 * emptied between rounds (keys, function libraries, cached scripts), so a test file can run several
 * seeds on one set of servers. The source keeps a large replication backlog: the engine must resume
 * with PSYNC after a kill even when the workload went on meanwhile.
 */

export interface FuzzSide {
  shape: SideShape;
  nodes: RedisNode[];
  /** masters (all nodes here: the fuzz clusters have no replicas) */
  masters: RedisNode[];
  uri: string;
  endpoint: Endpoint;
  cluster: RedisClusterHandle | null;
}

export interface FuzzEnv {
  profile: FuzzProfile;
  source: FuzzSide;
  target: FuzzSide;
  /** empties both sides */
  reset(): Promise<void>;
  /** stops every server of both sides */
  stop(): Promise<void>;
}

export interface EnvOptions {
  /** a module both sides load (default: the dtstype test module when the moduleTypes switch is on) */
  modulePath?: string;
}

async function startSide(shape: SideShape, config: Record<string, string | string[]>): Promise<FuzzSide> {
  if (shape.mode === "cluster") {
    const cluster = await startCluster({ masters: shape.masters, config });
    return { shape, nodes: cluster.nodes, masters: cluster.nodes, uri: cluster.uri, endpoint: parseRedisUri(cluster.uri, "cluster"), cluster };
  }
  const node = await startRedis({ config });
  return { shape, nodes: [node], masters: [node], uri: node.uri, endpoint: parseRedisUri(node.uri, "standalone"), cluster: null };
}

export async function startEnv(profile: FuzzProfile, o: EnvOptions = {}): Promise<FuzzEnv> {
  // the moduleTypes switch runs the commands of our dtstype test module: both sides load it
  const modulePath = o.modulePath ?? (profile.switches.moduleTypes ? buildModule("dtstype") : undefined);
  o = { ...o, modulePath };
  const common: Record<string, string | string[]> = { ...(o.modulePath ? { loadmodule: o.modulePath } : {}) };
  const [source, target] = await Promise.all([
    startSide(profile.source, { ...common, "repl-backlog-size": "256mb", databases: "16" }),
    startSide(profile.target, common),
  ]);
  return {
    profile,
    source,
    target,
    async reset() {
      await Promise.all([...source.nodes, ...target.nodes].map((n) => emptyNode(n)));
    },
    async stop() {
      await Promise.all([...source.nodes, ...target.nodes].map((n) => n.kill()));
    },
  };
}

async function emptyNode(n: RedisNode): Promise<void> {
  const c = new Redis({ host: n.host, port: n.port, password: n.options.password, lazyConnect: true, maxRetriesPerRequest: 1 });
  c.on("error", () => {});
  try {
    await c.connect();
    await c.call("FLUSHALL");
    await c.call("FUNCTION", "FLUSH");
    await c.call("SCRIPT", "FLUSH");
  } finally {
    c.disconnect();
  }
}
