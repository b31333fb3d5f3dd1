import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./sign-in.types";

/** Finding 2 of issue 13: `/sign-in?next=/%09/evil.example/x` landed on evil.example. */
const CONSOLE = "https://console.example:3000";
const HOSTILE = [
  "/\t/evil.example/x",
  "/\n/evil.example/x",
  "/\r\n/evil.example",
  "\t//evil.example",
  " //evil.example",
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/\t\\evil.example",
  "https://evil.example/x",
  "HTTPS://evil.example",
  "javascript:alert(1)",
  "data:text/html,x",
  "/.//evil.example",
  "/..//evil.example",
  "//console.example:3000@evil.example",
  "https:evil.example",
  "evil.example",
  "./x",
];

describe("safeReturnPath", () => {
  it("turns every way out of the console into /", () => {
    for (const next of HOSTILE) {
      const kept = safeReturnPath(next);
      // What a browser (or Next's router) makes of it, from the sign-in page:
      expect(new URL(kept, `${CONSOLE}/sign-in`).origin, JSON.stringify(next)).toBe(CONSOLE);
      expect(kept.startsWith("//"), JSON.stringify(next)).toBe(false);
    }
    expect(HOSTILE.map(safeReturnPath).every((p) => p === "/")).toBe(true);
  });

  it("keeps paths on the console, encoded slashes staying an encoded path", () => {
    expect(safeReturnPath("/tasks/abc/configure/instances?x=1#top")).toBe("/tasks/abc/configure/instances?x=1#top");
    expect(safeReturnPath("/%2F%2Fevil.example/x")).toBe("/%2F%2Fevil.example/x");
    expect(new URL(safeReturnPath("/%2F%2Fevil.example/x"), `${CONSOLE}/sign-in`).origin).toBe(CONSOLE);
    expect(safeReturnPath("/%5Cevil.example")).toBe("/%5Cevil.example");
    // the checked text is what is returned: a tab inside a path is dropped as a browser would
    expect(safeReturnPath("/tasks/\tabc")).toBe("/tasks/abc");
    expect(safeReturnPath(undefined)).toBe("/");
    expect(safeReturnPath(["/a", "/b"])).toBe("/");
  });
});
