import net from "node:net";

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const claimed = new Set<number>();

/**
 * A port that is free now, and whose cluster-bus twin (port + 10000) is free too. Ports are drawn
 * at random from a range clear of well-known services (6379, 5432) so parallel test files rarely meet.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 25000);
    if (claimed.has(port)) continue;
    if ((await canBind(port)) && (await canBind(port + 10000))) {
      claimed.add(port);
      return port;
    }
  }
  throw new Error("no free port found");
}
