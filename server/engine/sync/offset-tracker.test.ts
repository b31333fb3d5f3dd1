import { describe, expect, it } from "vitest";
import { OffsetTracker } from "./offset-tracker";

describe("OffsetTracker", () => {
  it("is the done offset when nothing is outstanding, the watermark otherwise", () => {
    const t = new OffsetTracker(100, 0);
    t.delivered(100, 0);
    t.done(130);
    expect(t.applied(Infinity)).toEqual({ offset: 130, db: 0 });
    t.delivered(130, 0);
    t.done(160);
    expect(t.applied(130)).toEqual({ offset: 130, db: 0 });
  });

  it("knows the database at the applied offset across SELECTs", () => {
    const t = new OffsetTracker(0, 0);
    t.delivered(0, 0);
    t.done(10);
    t.delivered(25, 3); // a SELECT 3 sat between 10 and 25
    t.done(40);
    t.delivered(40, 3);
    t.done(55);
    expect(t.applied(0)).toEqual({ offset: 0, db: 0 });
    expect(t.applied(10)).toEqual({ offset: 10, db: 0 });
    expect(t.applied(40)).toEqual({ offset: 40, db: 3 });
    expect(t.applied(Infinity)).toEqual({ offset: 55, db: 3 });
  });

  it("never reports past a command whose writes are not all queued", () => {
    const t = new OffsetTracker(0, 0);
    t.delivered(0, 0);
    // the applier is still waiting for the writer: done() not called yet
    expect(t.applied(Infinity).offset).toBe(0);
  });

  it("hands a new session the end of the last queued command, whatever the writer still holds", () => {
    const t = new OffsetTracker(0, 0);
    t.delivered(0, 0);
    t.done(10);
    t.delivered(25, 3);
    t.done(40);
    t.delivered(40, 3); // queued to the writer only in part
    expect(t.handedOver()).toEqual({ offset: 40, db: 3 });
    // the checkpoint side is untouched: an older watermark still finds its database
    expect(t.applied(10)).toEqual({ offset: 10, db: 0 });
    expect(t.handedOver()).toEqual({ offset: 40, db: 3 });
  });
});
