import type { Endpoint } from "../endpoint";
import { DtsError } from "../../errors";
import { discoverTopology, identify, addressOf } from "../topology";
import { PipelinedWriter } from "./pipelined-writer";
import type { NodeLink } from "./node-link";
import { SlotTable } from "./slot-table";
import type { DestinationWriter, WriterOptions } from "./types";

/**
 * Opens the destination writer for `endpoint` (its `mode` says standalone or cluster, as the operator
 * chose with --target-mode): checks the deployment is what the operator said and writable, learns the
 * slot map, and connects to every master. Throws DtsError with one sentence otherwise.
 */
export async function openWriter(endpoint: Endpoint, opts: WriterOptions = {}): Promise<DestinationWriter> {
  const topology = await discoverTopology(endpoint, { timeoutMs: opts.connectTimeoutMs ?? 5000 });
  const where = addressOf(endpoint);
  const server = identify(topology.seedInfo);
  if (endpoint.mode === "cluster" && topology.mode !== "cluster") {
    throw new DtsError("INVALID_CONFIG", `${where} is not a cluster node: use --target-mode standalone`);
  }
  if (endpoint.mode === "standalone" && topology.mode === "cluster") {
    throw new DtsError("INVALID_CONFIG", `${where} is a cluster node: use --target-mode cluster`);
  }
  if (topology.mode === "standalone" && server.role === "replica") {
    throw new DtsError("WRITE_REFUSED", `${where} is a read-only replica: point the target at its master`);
  }
  const slots = topology.mode === "cluster" ? SlotTable.fromTopology<NodeLink>(topology) : SlotTable.single<NodeLink>(endpoint.host, endpoint.port);
  const writer = new PipelinedWriter(endpoint, topology.mode, server, opts, slots);
  try {
    await writer.connectAll();
  } catch (err) {
    writer.destroy();
    throw err;
  }
  return writer;
}
