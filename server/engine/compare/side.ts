import calculateSlot from "cluster-key-slot";
import { run, type CommandRunner } from "../keys/command-runner";
import { PipelineRunner } from "./pipeline-runner";
import { countOwnKeys } from "../keys/count-own-keys";
import { DtsError } from "../../errors";
import { formatAddress, type Endpoint } from "../endpoint";
import { discoverTopology, masters, keyspaceCounts, parseInfo, sniffRedis, SLOT_COUNT, type TopologyNode } from "../topology";

/**
 * One side of a comparison: the nodes that hold its keys (the standalone server, or every cluster
 * master) and a connection per node and database, opened on first use. Cluster keys are routed by
 * slot; a comparison does not follow resharding (a MOVED reply ends it with a clear error).
 */

export interface Side {
  role: "source" | "target";
  mode: "standalone" | "cluster";
  /** the nodes to SCAN for the keys of one database */
  scanClients(db: number): Promise<CommandRunner[]>;
  /** the keys grouped by the connection that serves them: `indexes` point into `keys` */
  route(db: number, keys: Buffer[]): Promise<{ client: CommandRunner; indexes: number[] }[]>;
  /** host:port of each node, in the order scanClients() returns their connections */
  nodeNames(): string[];
  /** data key counts per database summed over the nodes (INFO keyspace less redis-dts's own keys) */
  keyspace(): Promise<Map<number, number>>;
  close(): void;
}

export async function openSide(endpoint: Endpoint, role: "source" | "target", signal?: AbortSignal): Promise<Side> {
  const where = `${role} ${formatAddress(endpoint)}`;
  const topo = await discoverTopology(endpoint).catch(async (err: unknown) => {
    throw err instanceof DtsError ? await explain(endpoint, role, err) : err;
  });
  if (topo.mode !== endpoint.mode) {
    const hint = topo.mode === "cluster" ? `is a cluster node: use --${role}-mode cluster` : `is not a cluster node: use --${role}-mode standalone`;
    throw new DtsError("INVALID_CONFIG", `${where} ${hint}`);
  }
  const nodes: TopologyNode[] = topo.mode === "cluster" ? masters(topo) : topo.nodes;
  if (topo.mode === "cluster" && topo.slotsCovered < SLOT_COUNT) {
    throw new DtsError("PRECHECK_FAILED", `${where}: the cluster serves only ${topo.slotsCovered} of ${SLOT_COUNT} slots`);
  }
  const slotOwner = new Int32Array(SLOT_COUNT);
  nodes.forEach((n, i) => n.slots.forEach(([from, to]) => slotOwner.fill(i, from, to + 1)));
  const open = new Map<string, Promise<PipelineRunner>>();
  const connect = (nodeIndex: number, db: number): Promise<PipelineRunner> => {
    const id = `${nodeIndex}/${db}`;
    let c = open.get(id);
    if (!c) {
      c = (async () => {
        if (signal?.aborted) throw new DtsError("CANCELLED", "comparison cancelled");
        const node = nodes[nodeIndex];
        return PipelineRunner.open({ ...endpoint, host: node.host, port: node.port }, db);
      })();
      open.set(id, c);
    }
    return c;
  };
  let keyspace: Promise<Map<number, number>> | undefined;
  const checkDb = (db: number) => {
    if (topo.mode === "cluster" && db !== 0) throw new DtsError("INVALID_CONFIG", `${where} is a cluster: it has database 0 only, not ${db}`);
  };
  return {
    role,
    mode: topo.mode,
    async scanClients(db) {
      checkDb(db);
      return Promise.all(nodes.map((_, i) => connect(i, db)));
    },
    async route(db, keys) {
      checkDb(db);
      if (nodes.length === 1) return [{ client: await connect(0, db), indexes: keys.map((_, i) => i) }];
      const groups = new Map<number, number[]>();
      keys.forEach((k, i) => {
        const owner = slotOwner[calculateSlot(k)];
        const list = groups.get(owner);
        if (list) list.push(i);
        else groups.set(owner, [i]);
      });
      return Promise.all([...groups].map(async ([owner, indexes]) => ({ client: await connect(owner, db), indexes })));
    },
    nodeNames() {
      return nodes.map((n) => formatAddress(n));
    },
    keyspace() {
      // read once per comparison: the figures are the estimate shown while it runs
      keyspace ??= (async () => {
        const total = new Map<number, number>();
        for (let i = 0; i < nodes.length; i++) {
          const info = parseInfo(String(await run(await connect(i, 0), "INFO", "keyspace")));
          for (const [db, n] of keyspaceCounts(info)) {
            // redis-dts's own keys (heartbeats, fences) are not compared, so not counted either
            const own = (await countOwnKeys(async (...cmd) => run(await connect(i, db), ...cmd), n)) ?? 0;
            if (n > own) total.set(db, (total.get(db) ?? 0) + n - own);
          }
        }
        return total;
      })();
      return keyspace;
    },
    close() {
      for (const c of open.values()) c.then((client) => client.close(), () => {});
      open.clear();
    },
  };
}

/**
 * A client library says "connection is closed" for a refused port, an HTTP server and a silent
 * host alike: one raw PING tells the operator which it is.
 */
async function explain(endpoint: Endpoint, role: string, err: DtsError): Promise<DtsError> {
  if (err.code === "CONNECT_FAILED" || err.code === "TIMEOUT" || err.code === "PROTOCOL_ERROR") {
    const sniff = await sniffRedis(endpoint.host, endpoint.port, 3000, endpoint.tls);
    if (sniff.kind === "tls") return new DtsError("CONNECT_FAILED", `${role}: ${sniff.message}. ${sniff.fix ?? ""}`.trim(), { cause: err });
    if (sniff.kind !== "redis") {
      const code = sniff.kind === "http" || sniff.kind === "other" ? "NOT_REDIS" : sniff.kind === "silent" || sniff.kind === "timeout" ? "TIMEOUT" : "CONNECT_FAILED";
      return new DtsError(code, `${role}: ${sniff.message}`, { cause: err });
    }
  }
  return new DtsError(err.code, `${role}: ${err.message}`, { cause: err });
}


/** A failure while reading one side, as one sentence that names the side. */
export function sideFailure(role: "source" | "target", err: unknown): DtsError {
  if (err instanceof DtsError) return err.message.startsWith(`${role}:`) ? err : new DtsError(err.code, `${role}: ${err.message}`, { cause: err });
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 300);
  if (/^NOPERM/.test(message)) return new DtsError("AUTH_FAILED", `${role}: the account lacks a permission the comparison needs (${message})`, { cause: err });
  if (/^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN) /.test(message)) return new DtsError("CONFLICT", `${role}: the cluster changed during the comparison (${message}): run it again`, { cause: err });
  if (err instanceof Error && err.name === "ReplyError") return new DtsError("PROTOCOL_ERROR", `${role} answered an error: ${message}`, { cause: err });
  return new DtsError("INTERNAL", `${role}: ${message}`, { cause: err });
}
