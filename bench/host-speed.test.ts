import { describe, expect, it } from "vitest";
import { cpuLoopMs, hostSpeedLine } from "./host-speed";

describe("bench host speed", () => {
  it("times the loop in a fresh node process", () => {
    const ms = cpuLoopMs();
    // 3e8 additions: far above a process start, far below the 60 s limit on any host here
    expect(ms).not.toBeNull();
    expect(ms!).toBeGreaterThan(100);
    expect(ms!).toBeLessThan(60_000);
  }, 70_000);

  it("warns when the host's speed changed by a quarter or more during the run", () => {
    expect(hostSpeedLine(1400, 1500)).toBe("host speed: a fixed CPU loop took 1400 ms at the start, 1500 ms at the end (lower is faster)");
    expect(hostSpeedLine(1400, 1750)).toMatch(/WARNING the host's speed changed 1\.25x during the run/);
    expect(hostSpeedLine(3000, 1400)).toMatch(/changed 2\.14x/);
    expect(hostSpeedLine(null, 1400)).toBe("host speed: not measured");
  });
});
