import calculateSlot from "cluster-key-slot";
import { describe, expect, it } from "vitest";
import { emulationTmpPrefix, fenceKeyPrefix, heartbeatKey, isOwnKey, isTaskKey, loadTmpKey, taskKeyPattern, tmpKeyInSlot } from "./own-keys";

describe("own keys", () => {
  it("every key the product writes starts with the one prefix and is recognised as its own, per task", () => {
    const keys = [
      heartbeatKey("t1", [[5461, 10922]]),
      `${fenceKeyPrefix("t1", "abc")}{7}`,
      tmpKeyInSlot(emulationTmpPrefix("t1"), Buffer.from("user:1"), 0).toString(),
      loadTmpKey("t1", Buffer.from("big")).toString(),
    ];
    for (const k of keys) {
      expect(k.startsWith("DTS_REDIS_TIMESTAMP_HEARTBEAT:t1:"), k).toBe(true);
      expect(isOwnKey(k) && isOwnKey(Buffer.from(k))).toBe(true);
      expect(isTaskKey(k, "t1") && isTaskKey(Buffer.from(k), "t1")).toBe(true);
      // a task whose id starts like this one's is another task
      expect(isTaskKey(k, "t")).toBe(false);
    }
    expect(calculateSlot(keys[0])).toBeGreaterThanOrEqual(5461);
    expect(calculateSlot(keys[0])).toBeLessThanOrEqual(10922);
    expect(calculateSlot(loadTmpKey(undefined, Buffer.from("a{b}c")))).toBe(calculateSlot("a{b}c"));
    expect(isOwnKey("DTS_REDIS_TIMESTAMP_HEARTBEAT")).toBe(true); // the cloud DTS's own key
    expect(isOwnKey("x:DTS_REDIS_TIMESTAMP_HEARTBEAT")).toBe(false);
    expect(isOwnKey(Buffer.from("DTS_REDIS_TIMESTAMP_HEARTBEA"))).toBe(false);
  });

  it("a task's SCAN pattern matches only its keys, glob characters of the id escaped", () => {
    expect(taskKeyPattern("ck1abc")).toBe("DTS_REDIS_TIMESTAMP_HEARTBEAT:ck1abc:*");
    expect(taskKeyPattern("a*[b]?\\")).toBe("DTS_REDIS_TIMESTAMP_HEARTBEAT:a\\*\\[b\\]\\?\\\\:*");
  });
});
