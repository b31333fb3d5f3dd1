/**
 * A stand-in for `next/headers` so tests can call real server actions and route handlers outside a
 * Next request: `vi.mock("next/headers", () => import("@/server/testing/fake-next-headers"))`, then
 * set the caller's cookies and headers with `asCaller`. Everything behind the call (session lookup,
 * database, Redis) is real.
 */
const jar = new Map<string, string>();
let headerMap = new Headers();

export function asCaller({ cookies = {}, headers = {} }: { cookies?: Record<string, string>; headers?: Record<string, string> } = {}): void {
  jar.clear();
  for (const [k, v] of Object.entries(cookies)) jar.set(k, v);
  headerMap = new Headers(headers);
}

export async function cookies() {
  return {
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) as string } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    has: (name: string) => jar.has(name),
    set: (name: string | { name: string; value: string }, value?: string) => {
      if (typeof name === "object") jar.set(name.name, name.value);
      else jar.set(name, value ?? "");
    },
    delete: (name: string) => jar.delete(name),
  };
}

export async function headers() {
  return headerMap;
}
