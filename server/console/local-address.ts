import "server-only";
import net from "node:net";

/**
 * The address this machine uses to reach host:port: what the other side's firewall, `bind` rules and
 * security groups see. Read from a plain TCP connection that is closed at once (nothing is sent).
 */
export function localAddressToward(host: string, port: number, timeoutMs = 3000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (address: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(address);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.once("connect", () => done(socket.localAddress?.replace(/^::ffff:/, "") ?? null));
    socket.once("error", () => done(null));
  });
}
