#!/usr/bin/env node
// The console's HTTP server (started by scripts/start.mjs): Next behind a Node http server that
// decides, before Next sees a request, who the client is. X-Forwarded-For / -Proto are replaced by the
// socket's own address and scheme unless the socket is a proxy named in TRUST_PROXY (`next start`
// would keep whatever a client sent, and the sign-in throttle and Secure cookies read them).
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { CLIENT_CLAIM_HEADERS, parseTrustProxy, resolveClient } from "./forwarded.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT || "3000");
const hostname = process.env.HOST || undefined;

let trust;
try {
  trust = parseTrustProxy(process.env.TRUST_PROXY);
} catch (err) {
  console.error(`redis-dts: ${err.message}`);
  process.exit(2);
}

const app = next({ dev, dir: root, hostname: hostname ?? "localhost", port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  const { address, proto } = resolveClient(
    { peer: req.socket.remoteAddress, encrypted: Boolean(req.socket.encrypted), forwardedFor: req.headers["x-forwarded-for"], forwardedProto: req.headers["x-forwarded-proto"] },
    trust,
  );
  const host = trust.trusts(req.socket.remoteAddress ?? "") ? req.headers["x-forwarded-host"] : undefined;
  for (const name of CLIENT_CLAIM_HEADERS) delete req.headers[name];
  req.headers["x-forwarded-for"] = address;
  req.headers["x-forwarded-proto"] = proto;
  if (host) req.headers["x-forwarded-host"] = host;
  handle(req, res);
});
server.listen(port, hostname, () => {
  console.log(`redis-dts: listening on ${hostname ?? "all addresses"}:${port}${trust.entries.length ? ` (trusting X-Forwarded-For from ${trust.entries.join(", ")})` : ""}`);
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    server.close();
    app.close?.().finally?.(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
