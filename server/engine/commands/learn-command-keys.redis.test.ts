import { afterAll, describe, expect, it } from "vitest";
import { startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { endpointOf } from "../../testing/sync-fixtures";
import { withDtstype } from "../../testing/modules/module-fixtures";
import { learnCommandKeys } from "./learn-command-keys";

afterAll(stopAll);

const noLog = () => {};

async function calls(node: RedisNode, command: string): Promise<number> {
  const stats = String(await node.client().info("commandstats"));
  return Number(new RegExp(`^cmdstat_${command.replace("|", "\\|")}:calls=(\\d+)`, "m").exec(stats)?.[1] ?? 0);
}

/**
 * The engine learns, from the source, the commands its built-in table does not know (a module's).
 * It asks for the names first and describes only those: the same table as the whole COMMAND INFO
 * reply, which a least-privilege account (no COMMAND LIST) still gets.
 */
describe("learnCommandKeys", () => {
  it("learns the same commands from the names as from the whole table", async () => {
    const source = await startRedis({ ...withDtstype(), aclUsers: { info: "on >pw ~* +@all -command|list" } });
    const target = await startRedis();
    const listed = await learnCommandKeys({ source: endpointOf(source, "standalone"), target: () => target.client(), cluster: true, log: noLog });
    expect(await calls(source, "command|list")).toBe(1);
    const whole = await learnCommandKeys({ source: { ...endpointOf(source, "standalone"), username: "info", password: "pw" }, target: () => target.client(), cluster: true, log: noLog });
    expect(listed.names.length).toBeGreaterThan(3);
    expect(listed.names).toEqual(expect.arrayContaining(["dtstype.set", "dtstype.merge", "dtstype.fill"]));
    // commands of the built-in table are not learned again
    expect(listed.names).not.toContain("set");
    expect([...listed.names].sort()).toEqual([...whole.names].sort());
    // the same key positions (a spec's functions compared by their source)
    const shape = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "function" ? String(x) : x instanceof Set ? [...x] : x));
    for (const name of listed.names) expect(shape(listed.get(name))).toBe(shape(whole.get(name)));
  });
});
