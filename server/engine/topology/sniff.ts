import { describeTlsFailure, openSocket, type TlsConfig } from "../tls";

/**
 * What answers on a TCP port, found with one raw PING before any Redis client is involved: a client
 * library would only report "protocol error" for an HTTP server, and "timeout" for both a host that
 * drops packets and a server that accepts and stays silent. The operator needs to know which.
 */
export type SniffKind =
  | "redis" // answered PING with a RESP simple string or error (+PONG, -NOAUTH, -DENIED...)
  | "http" // answered with an HTTP status line
  | "other" // answered with something else
  | "silent" // accepted the connection and said nothing within the timeout
  | "closed" // accepted and closed without a word
  | "refused" // nobody listens on the port
  | "timeout" // no TCP connection within the timeout (host down, firewall drops packets)
  | "unresolved" // the host name does not resolve
  | "tls" // the TLS handshake or the server's certificate failed
  | "error"; // any other socket error

export interface SniffResult {
  kind: SniffKind;
  /** one sentence naming the cause, with the address and figures */
  message: string;
  /** the first line the port answered, printable characters only, at most 80 */
  answer?: string;
  /** for kind "tls": what to do about it */
  fix?: string;
}

const PING = "*1\r\n$4\r\nPING\r\n";
const MAX_ANSWER = 512;

function printable(buf: Buffer): string {
  const line = buf.toString("latin1").split(/\r?\n/)[0];
  return line.replace(/[^\x20-\x7e]/g, "?").slice(0, 80);
}

export function classifyAnswer(buf: Buffer): SniffKind {
  const text = buf.toString("latin1");
  if (/^HTTP\/\d/.test(text)) return "http";
  // A Redis server answers PING with "+PONG" or with an error line ("-NOAUTH ...", "-DENIED ...").
  if (/^[+-][\x20-\x7e]*\r\n/.test(text)) return "redis";
  if (/^[+-][\x20-\x7e]*$/.test(text) && text.length < MAX_ANSWER) return "redis";
  return "other";
}

export function sniffRedis(host: string, port: number, timeoutMs: number, tls?: TlsConfig): Promise<SniffResult> {
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  return new Promise((resolve) => {
    let connected = false;
    let received = Buffer.alloc(0);
    let done = false;
    const { socket, ready } = openSocket(host, port, tls);
    let tcp = false;
    socket.once("connect", () => (tcp = true));
    const finish = (r: SniffResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => {
      if (!connected && tcp) finish({ kind: "tls", message: `${where} accepted the TCP connection but the TLS handshake did not complete within ${timeoutMs} ms`, fix: "Check that the port serves TLS (tls-port), or connect without TLS." });
      else if (!connected) finish({ kind: "timeout", message: `no TCP connection to ${where} within ${timeoutMs} ms (host down, wrong address, or a firewall dropping packets)` });
      else if (received.length > 0) finish(fromAnswer(received));
      else finish({ kind: "silent", message: `${where} accepted the TCP connection but did not answer PING within ${timeoutMs} ms: it is not a responding Redis server` });
    }, timeoutMs);
    socket.once(ready, () => {
      connected = true;
      socket.write(PING);
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]).subarray(0, MAX_ANSWER);
      if (received.includes(0x0a) || received.length >= MAX_ANSWER) finish(fromAnswer(received));
    });
    socket.once("end", () => {
      if (received.length > 0) finish(fromAnswer(received));
      else finish({ kind: "closed", message: `${where} accepted the TCP connection and closed it without answering PING: it is not a Redis server, expects TLS, or refuses this client` });
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      if (received.length > 0) return finish(fromAnswer(received));
      // TLS 1.3 servers refuse a missing client certificate after the client saw the handshake end.
      const alert = typeof err.code === "string" && err.code.startsWith("ERR_SSL_");
      const secure = tls && ((tcp && !connected) || alert) ? describeTlsFailure(err, where) : null;
      if (secure) return finish({ kind: "tls", message: secure.message, fix: secure.fix });
      if (tls && tcp && !connected) return finish({ kind: "tls", message: `TLS to ${where} failed: ${err.code ?? err.message}`, fix: "Check that the port serves TLS and the certificates given." });
      if (err.code === "ECONNREFUSED") finish({ kind: "refused", message: `connection to ${where} refused: nothing listens on port ${port}` });
      else if (err.code === "ENOTFOUND" || err.code === "EAI_AGAIN") finish({ kind: "unresolved", message: `host name '${host}' does not resolve` });
      else if (err.code === "ECONNRESET" && connected) finish({ kind: "closed", message: `${where} reset the connection without answering PING: it is not a Redis server (or it refuses this client)` });
      else finish({ kind: "error", message: `cannot connect to ${where}: ${err.code ?? err.message}` });
    });

    function fromAnswer(buf: Buffer): SniffResult {
      const kind = classifyAnswer(buf);
      const answer = printable(buf);
      if (kind === "redis") return { kind, message: `${where} is a Redis server`, answer };
      if (kind === "http") return { kind, message: `${where} speaks HTTP, not Redis (it answered "${answer}"): check the port`, answer };
      return { kind, message: `${where} is not a Redis server (it answered "${answer}"): check the port`, answer };
    }
  });
}
