import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "./main";
import { COMMANDS } from "./commands/index";

afterEach(() => vi.restoreAllMocks());

async function help(): Promise<string> {
  let out = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  expect(await main(["--help"])).toBe(0);
  return out;
}

describe("redis-dts --help", () => {
  it("gives each command people run one line with its description", async () => {
    const lines = (await help()).split("\n");
    for (const [name, c] of Object.entries(COMMANDS).filter(([, c]) => !c.internal)) {
      const line = lines.filter((l) => l.trimStart().startsWith(`${name} `));
      expect(line, name).toHaveLength(1);
      expect(line[0]).toContain(c.brief);
    }
  });

  it("leaves out the console's internal commands, which still run", async () => {
    const text = await help();
    expect(text).not.toMatch(/run-task|verify-task/);
    expect(COMMANDS["run-task"].internal && COMMANDS["verify-task"].internal).toBe(true);
  });
});
