import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Certificates made by `openssl` for TLS tests: a CA, a server certificate for 127.0.0.1 / localhost /
 * redis.test signed by it, a client certificate, and a second CA that signed none of them.
 */
export interface TestCerts {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  otherCaFile: string;
  ca: string;
  clientCert: string;
  clientKey: string;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(`openssl ${args[0]} failed (install openssl to run the TLS tests): ${r.stderr ?? r.error}`);
}

let made: TestCerts | null = null;

export function makeTestCerts(): TestCerts {
  if (made) return made;
  const dir = mkdtempSync(path.join(os.tmpdir(), "redis-dts-certs-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const days = ["-days", "2"];
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=redis-dts test CA", ...days], dir);
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.crt", "-subj", "/CN=another CA", ...days], dir);
  for (const [name, ext] of [
    ["server", "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:redis.test"],
    ["client", "extendedKeyUsage=clientAuth"],
  ] as const) {
    writeFileSync(path.join(dir, `${name}.ext`), `${ext}\n`);
    openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`], dir);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-extfile", `${name}.ext`, ...days], dir);
  }
  const file = (f: string) => path.join(dir, f);
  made = {
    dir,
    caFile: file("ca.crt"),
    serverCertFile: file("server.crt"),
    serverKeyFile: file("server.key"),
    clientCertFile: file("client.crt"),
    clientKeyFile: file("client.key"),
    otherCaFile: file("other-ca.crt"),
    ca: readFileSync(file("ca.crt"), "utf8"),
    clientCert: readFileSync(file("client.crt"), "utf8"),
    clientKey: readFileSync(file("client.key"), "utf8"),
  };
  return made;
}
