import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, startRedis, stopAll, type RedisNode } from "../../testing/redis-harness";
import { DTSTYPE_TYPE, moduleDifferences, seedModuleKeys, withDtstype } from "../../testing/modules/module-fixtures";
import { loadInto } from "./loader.test-helper";

/**
 * Module values in an RDB (our dtstype module, built with gcc at test time) are RESTOREd from their
 * serialized bytes when the destination loads their type, and counted and named as refused when it
 * does not: never dropped silently.
 */
const COUNT = 150;
const HAS_VALKEY = spawnSync("valkey-server", ["--version"]).status === 0;
let source: RedisNode;
let rdb: string;
let keys: string[];

beforeAll(async () => {
  source = await startRedis(withDtstype());
  const c = source.client();
  keys = await seedModuleKeys(c, "m:", COUNT);
  const p = c.pipeline();
  for (let i = 0; i < 100; i++) p.set(`plain:${i}`, `v${i}`);
  p.hset("plain:h", "f", "v");
  await p.exec();
  await c.save();
  rdb = path.join(source.dir, "dump.rdb");
}, 120_000);
afterAll(stopAll);

describe("loader: module values", () => {
  it("into a standalone destination with the module: every value RESTOREd, whatever its size, with its TTL", async () => {
    const dest = await startRedis(withDtstype());
    // typed commands above 1 KB: a module value has none, so it is RESTOREd anyway
    const stats = await loadInto(dest, rdb, { typedAboveBytes: 1024 });
    expect(stats.failed, JSON.stringify(stats.issues)).toBe(0);
    expect(stats.modules).toEqual({ [DTSTYPE_TYPE]: keys.length });
    expect(stats.modulesRefused).toEqual({});
    expect(stats.written).toBe(keys.length + 101);
    expect(await moduleDifferences(source.client(), dest.client(), keys)).toEqual([]);
    expect(await dest.client().type("m:1")).toBe(DTSTYPE_TYPE);
  });

  it("into a 3-master cluster with the module on every node", async () => {
    const dest = await startCluster({ masters: 3, ...withDtstype() });
    const stats = await loadInto(dest.uri, rdb, {}, "cluster");
    expect(stats.failed, JSON.stringify(stats.issues)).toBe(0);
    expect(await moduleDifferences(source.client(), dest.client(), keys)).toEqual([]);
  });

  it.skipIf(!HAS_VALKEY)("into Valkey 8 with the same module (built once, loaded by either server)", async () => {
    const dest = await startRedis({ binary: "valkey-server", ...withDtstype() });
    const stats = await loadInto(dest, rdb);
    expect(stats.failed, JSON.stringify(stats.issues)).toBe(0);
    expect(await moduleDifferences(source.client(), dest.client(), keys)).toEqual([]);
  });

  it("into a destination without the module: every module value is a counted, named refusal; the other keys arrive", async () => {
    const dest = await startRedis();
    const issues: string[] = [];
    const stats = await loadInto(dest, rdb, { onIssue: (i) => i.kind === "module" && issues.push(i.message) });
    expect(stats.failed).toBe(keys.length);
    expect(stats.modulesRefused).toEqual({ [DTSTYPE_TYPE]: keys.length });
    expect(stats.written).toBe(101);
    expect(issues.length).toBe(keys.length);
    expect(issues[0]).toMatch(new RegExp(`of type ${DTSTYPE_TYPE} not written: .*cannot load this module type \\(ERR Bad data format\\)`));
    expect(await dest.client().dbsize()).toBe(101);
  });

  it("into a destination whose module is older (encoding version 1 < the source's 2): refused, counted", async () => {
    const newer = await startRedis(withDtstype({ DTSTYPE_VERSION: 2, DTSTYPE_ENCVER: 2 }));
    const c = newer.client();
    await seedModuleKeys(c, "n:", 20);
    await c.save();
    const dest = await startRedis(withDtstype());
    const stats = await loadInto(dest, path.join(newer.dir, "dump.rdb"));
    expect(stats.failed).toBe(21);
    expect(stats.issues[0]?.message).toMatch(/cannot load this module type/);
  });
});
