import type net from "node:net";
import { DtsError } from "../../errors";
import { openSocket, tlsError, type TlsConfig } from "../tls";

/** A TCP (or TLS) connection to the source, or a DtsError saying in one sentence why there is none. */
export function connectSource(host: string, port: number, timeoutMs: number, label: string, tls?: TlsConfig): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    // Plain TCP reads into one reused buffer: a fresh 64 KB buffer per read was garbage the GC found
    // late (15-25 MB of RSS on top of a big value being received). A 'data' chunk is therefore
    // valid only until its listener returns: replication-client.ts copies what it keeps.
    let sock: net.Socket | null = null;
    const onread = tls ? undefined : { buffer: Buffer.allocUnsafe(64 * 1024), callback: (n: number, buf: Uint8Array) => (sock!.emit("data", Buffer.from(buf.buffer, buf.byteOffset, n)), true) };
    const { socket, ready } = openSocket(host, port, tls, onread);
    sock = socket;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DtsError("TIMEOUT", `could not connect to the source ${label} within ${seconds(timeoutMs)}`));
    }, timeoutMs);
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      socket.setNoDelay(true);
      // The master PINGs every repl-ping-replica-period; TCP keep-alive also catches a peer that
      // vanished without a FIN between those PINGs.
      socket.setKeepAlive(true, 10_000);
      resolve(socket);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(connectionError(err, label));
    });
  });
}

export function connectionError(err: unknown, label: string): DtsError {
  if (err instanceof DtsError) return err;
  const secure = tlsError(err, `the source ${label}`, "source");
  if (secure) return secure;
  const code = (err as NodeJS.ErrnoException)?.code;
  const why =
    code === "ECONNREFUSED" ? "connection refused (is Redis listening on that port?)"
    : code === "ENOTFOUND" || code === "EAI_AGAIN" ? "host not found"
    : code === "EHOSTUNREACH" || code === "ENETUNREACH" ? "host unreachable"
    : code === "ECONNRESET" ? "connection reset by the peer"
    : code === "ETIMEDOUT" ? "connection timed out"
    : (err as Error)?.message || String(err);
  return new DtsError("CONNECT_FAILED", `could not connect to the source ${label}: ${why}`, { cause: err });
}

export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
