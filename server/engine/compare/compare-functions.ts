import { run, type CommandRunner } from "../keys/command-runner";
import { asArray, asRecord, asText } from "../keys/reply";
import { sideFailure, type Side } from "./side";

/**
 * Function libraries (Redis 7 FUNCTION LOAD) are server state outside the keyspace: each server of a
 * side has its own. The source's libraries are the union over its masters; every master of the
 * target must hold each of them with the same code (a FCALL may land on any master), and no other.
 * A library whose code differs between two source masters is not the source's to compare, so any of
 * its versions is accepted. Servers without FUNCTION (before 7.0) have no libraries.
 */

export interface LibraryFinding {
  library: string;
  detail: string;
}

interface NodeLibraries {
  node: string;
  libs: Map<string, string>;
}

async function readNode(client: CommandRunner, node: string): Promise<NodeLibraries> {
  let reply: unknown;
  try {
    reply = await run(client, "FUNCTION", "LIST", "WITHCODE");
  } catch (err) {
    if (err instanceof Error && /unknown (sub)?command|ERR unknown/i.test(err.message)) return { node, libs: new Map() };
    throw err;
  }
  const libs = new Map<string, string>();
  for (const entry of asArray(reply, "FUNCTION LIST")) {
    const lib = asRecord(entry, "FUNCTION LIST");
    libs.set(asText(lib.get("library_name"), "FUNCTION LIST"), asText(lib.get("library_code"), "FUNCTION LIST"));
  }
  return { node, libs };
}

async function readSide(side: Side): Promise<NodeLibraries[]> {
  try {
    const clients = await side.scanClients(0);
    const names = side.nodeNames();
    return await Promise.all(clients.map((c, i) => readNode(c, names[i] ?? `node ${i}`)));
  } catch (err) {
    throw sideFailure(side.role, err);
  }
}

export async function compareFunctions(source: Side, target: Side): Promise<LibraryFinding[]> {
  const [src, tgt] = await Promise.all([readSide(source), readSide(target)]);
  const wanted = new Map<string, Set<string>>();
  for (const n of src) for (const [name, code] of n.libs) (wanted.get(name) ?? wanted.set(name, new Set()).get(name)!).add(code);
  const out: LibraryFinding[] = [];
  const where = (nodes: string[]) => (tgt.length === 1 ? "the target" : nodes.length === tgt.length ? "every target master" : `target master${nodes.length > 1 ? "s" : ""} ${nodes.join(", ")}`);
  for (const [name, codes] of [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const missing = tgt.filter((n) => !n.libs.has(name)).map((n) => n.node);
    const other = tgt.filter((n) => n.libs.has(name) && !codes.has(n.libs.get(name)!)).map((n) => n.node);
    if (missing.length > 0) out.push({ library: name, detail: `function library missing on ${where(missing)}` });
    if (other.length > 0) out.push({ library: name, detail: `function library has other code on ${where(other)}` });
  }
  const extra = new Map<string, string[]>();
  for (const n of tgt) for (const name of n.libs.keys()) if (!wanted.has(name)) extra.set(name, [...(extra.get(name) ?? []), n.node]);
  for (const [name, nodes] of [...extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.push({ library: name, detail: `function library on ${where(nodes)}, not on the source` });
  }
  return out;
}
