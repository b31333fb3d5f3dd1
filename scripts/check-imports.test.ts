import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { checkImports } from "./check-imports.mjs";

/**
 * The rules on a scratch tree shaped like the repository: each case adds one arrow and expects the
 * rule that forbids it by name (and a tree without it passes, so the failure is that arrow's).
 */
let dir = "";
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  dir = mkdtempSync(path.join(os.tmpdir(), "dts-imports-"));
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@/*": ["./*"] } } }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const base = {
  "server/errors.ts": "export class DtsError extends Error {}\n",
  "server/db/client.ts": 'import { DtsError } from "../errors";\nexport const db = () => new DtsError();\n',
  "server/engine/writer/open-writer.ts": 'import { DtsError } from "../../errors";\nexport const open = () => new DtsError();\n',
  "server/engine/sync/sync-task.ts": 'import { open } from "../writer/open-writer";\nexport const run = () => open();\n',
  "server/actions/stop-task.action.ts": 'import { db } from "../db/client";\nexport const stop = () => db();\n',
  "contracts/task.types.ts": "export type TTaskState = string;\n",
  "components/task-row.tsx": 'import type { TTaskState } from "@/contracts/task.types";\nimport { stop } from "@/server/actions/stop-task.action";\nexport const row = (s: TTaskState) => [s, stop];\n',
  "app/page.tsx": 'import { row } from "@/components/task-row";\nexport default row;\n',
};
const paths = ["server", "app", "components", "contracts"];

describe("import rules", () => {
  it("pass on a tree whose arrows all point down", () => {
    const r = checkImports({ cwd: tree(base), paths });
    expect(r.output).toContain("no dependency violations");
    expect(r.ok).toBe(true);
  });

  it.each([
    ["the engine importing the database", "server/engine/writer/open-writer.ts", 'import { db } from "../../db/client";\nexport const x = db;\n', "engine-is-self-contained"],
    ["the writer importing the orchestration above it", "server/engine/writer/open-writer.ts", 'import { run } from "../sync/sync-task";\nexport const x = run;\n', "writer-owns-its-interface"],
    ["a component importing a route", "components/task-row.tsx", 'import page from "@/app/page";\nexport const x = page;\n', "components-use-contracts-and-actions"],
    ["a component importing the database", "components/task-row.tsx", 'import { db } from "@/server/db/client";\nexport const x = db;\n', "components-use-contracts-and-actions"],
    ["the database importing an action", "server/db/client.ts", 'import { stop } from "../actions/stop-task.action";\nexport const x = stop;\n', "db-only-data"],
    ["errors importing anything", "server/errors.ts", 'import { db } from "./db/client";\nexport const x = db;\n', "bottom-imports-nothing"],
    ["production code importing test support", "server/db/client.ts", 'import { h } from "../testing/harness";\nexport const x = h;\n', "production-not-to-test-support"],
  ])("fail on %s", (_what, file, extra, rule) => {
    const files: Record<string, string> = { ...base, "server/testing/harness.ts": "export const h = 1;\n" };
    files[file] = extra + files[file];
    const r = checkImports({ cwd: tree(files), paths });
    expect(r.ok).toBe(false);
    expect(r.output).toContain(rule);
  });

  it("fail on a cycle", () => {
    const files = { ...base, "server/engine/sync/a.ts": 'import { b } from "./b";\nexport const a = () => b;\n', "server/engine/sync/b.ts": 'import { a } from "./a";\nexport const b = () => a;\n' };
    const r = checkImports({ cwd: tree(files), paths });
    expect(r.ok).toBe(false);
    expect(r.output).toContain("no-cycles");
  });
});
