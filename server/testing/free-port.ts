import { readFileSync } from "node:fs";
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
 * The kernel's range for outgoing connections' local ports: a port in it can be taken by any client
 * between our check and the server's bind (a cluster node then failed on its bus port, seen in a full run).
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (low > 0 && high >= low) return [low, high];
  } catch {
    /* not Linux: the usual default */
  }
  return [32768, 60999];
}

/** ports to draw from: a port and its bus twin both outside the ephemeral range when it leaves room */
function drawRange(): [number, number] {
  const [low, high] = ephemeralRange();
  if (low - 10000 - 11000 >= 5000) return [11000, low - 10000 - 1];
  if (55535 - high >= 5000) return [high + 1, 55535];
  return [20000, 44999];
}

/**
 * A port that is free now, and whose cluster-bus twin (port + 10000) is free too. Ports are drawn
 * at random, clear of well-known services (6379, 5432) and of the ephemeral range, so parallel test
 * files and outgoing connections rarely meet them.
 */
export async function freePort(): Promise<number> {
  const [from, to] = drawRange();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (claimed.has(port)) continue;
    if ((await canBind(port)) && (await canBind(port + 10000))) {
      claimed.add(port);
      return port;
    }
  }
  throw new Error("no free port found");
}
