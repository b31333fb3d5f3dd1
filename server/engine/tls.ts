import net from "node:net";
import tls from "node:tls";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { DtsError } from "../errors";

/**
 * TLS toward one side (issue 13, finding 6): every connection of that side (replication, writer,
 * control, precheck, compare, verify) is made through here. PEM texts, not paths: the console stores
 * them encrypted, the CLI reads them from files.
 */
export interface TlsConfig {
  /** CA certificates (PEM) that sign the servers' certificates; default: the system's */
  ca?: string;
  /** client certificate (PEM), for servers with tls-auth-clients */
  cert?: string;
  /** the client certificate's private key (PEM) */
  key?: string;
  /** name the servers' certificates are checked against (and sent as SNI); default: the host */
  servername?: string;
  /** no certificate verification: the status page and events say so */
  insecure?: boolean;
}

/** Options for tls.connect and ioredis's `tls`, for one node of the side. */
export function tlsOptions(config: TlsConfig, host: string): tls.ConnectionOptions {
  const servername = config.servername ?? (net.isIP(host) ? undefined : host);
  return {
    ...(config.ca && { ca: config.ca }),
    ...(config.cert && { cert: config.cert }),
    ...(config.key && { key: config.key }),
    ...(servername && { servername }),
    rejectUnauthorized: !config.insecure,
    // A name given by the operator is what the certificate must carry, whatever address a cluster
    // node is reached at; without one, the host (name or IP address) is checked as usual.
    ...(config.servername && !config.insecure && { checkServerIdentity: (_host: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(config.servername!, cert) }),
  };
}

/** A TCP or TLS socket to host:port, and the event that says it is ready to carry Redis. */
export function openSocket(host: string, port: number, config: TlsConfig | undefined, onread?: net.OnReadOpts): { socket: net.Socket; ready: "connect" | "secureConnect" } {
  if (!config) return { socket: net.connect({ host, port, ...(onread && { onread }) }), ready: "connect" };
  return { socket: tls.connect({ host, port, ...tlsOptions(config, host) }), ready: "secureConnect" };
}

const CERT_CODES: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its certificate is not signed by a trusted CA",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "its certificate is not signed by a trusted CA",
  SELF_SIGNED_CERT_IN_CHAIN: "its certificate chain ends in a CA that is not trusted",
  DEPTH_ZERO_SELF_SIGNED_CERT: "its certificate is self-signed and not trusted",
  CERT_HAS_EXPIRED: "its certificate has expired",
  CERT_NOT_YET_VALID: "its certificate is not valid yet",
  ERR_TLS_CERT_ALTNAME_INVALID: "its certificate does not name this host",
};

/**
 * A TLS failure as one sentence and its fix, or null when `err` is not one (a plain TCP error).
 * `side` is "source" / "destination" for the flag names.
 */
export function describeTlsFailure(err: unknown, where: string, side: "source" | "target" = "source"): { message: string; fix: string } | null {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e?.code ?? "";
  const text = e?.message ?? "";
  const flag = `--${side}-tls`;
  if (CERT_CODES[code]) {
    const hostname = code === "ERR_TLS_CERT_ALTNAME_INVALID";
    return {
      message: `TLS to ${where} failed: ${CERT_CODES[code]}${e.reason && hostname ? ` (${e.reason})` : ""}`,
      fix: hostname
        ? `Connect by a name the certificate carries, or give it with ${flag}-servername NAME (console: TLS server name).`
        : `Give the CA that signed the server's certificate with ${flag}-ca FILE (console: CA certificate), or renew the certificate.`,
    };
  }
  if (/wrong version number|unknown protocol|packet length too long|http request/i.test(text)) {
    return { message: `TLS to ${where} failed: the server does not speak TLS on that port`, fix: `Use the server's TLS port, or connect without TLS (redis:// instead of rediss://).` };
  }
  if (/certificate required|handshake failure|alert (?:number )?4[0-9]|bad certificate|unknown ca|certificate unknown/i.test(text)) {
    return { message: `TLS to ${where} failed: the server refused the handshake (${text.replace(/^.*?:(?=[^:]*$)/, "").trim() || "alert"})`, fix: `The server may require a client certificate: give it with ${flag}-cert FILE and ${flag}-key FILE (console: client certificate and key).` };
  }
  if (/^ERR_SSL_|^ERR_TLS_/.test(code)) return { message: `TLS to ${where} failed: ${text}`, fix: "Check the server's TLS configuration and the certificates given." };
  return null;
}

/** A TLS failure as a DtsError (CONNECT_FAILED), or null. */
export function tlsError(err: unknown, where: string, side: "source" | "target" = "source"): DtsError | null {
  const d = describeTlsFailure(err, where, side);
  return d ? new DtsError("CONNECT_FAILED", `${d.message}. ${d.fix}`, { cause: err }) : null;
}

/**
 * Checks PEM texts before anything is stored or connected: a CA or certificate that is not a PEM
 * certificate, a key that is not a PEM key, or a key that does not match its certificate, is one
 * sentence naming `label` (the flag or field).
 */
export function validateTlsMaterial(config: TlsConfig, label: { ca: string; cert: string; key: string }): void {
  if (config.ca !== undefined) {
    if (!/-----BEGIN CERTIFICATE-----/.test(config.ca)) throw new DtsError("INVALID_CONFIG", `${label.ca}: not a PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
    try {
      new X509Certificate(config.ca);
    } catch {
      throw new DtsError("INVALID_CONFIG", `${label.ca}: the PEM certificate cannot be read`);
    }
  }
  if ((config.cert === undefined) !== (config.key === undefined)) {
    throw new DtsError("INVALID_CONFIG", config.cert === undefined ? `${label.key} needs its certificate (${label.cert})` : `${label.cert} needs its private key (${label.key})`);
  }
  if (config.cert !== undefined && config.key !== undefined) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(config.cert);
    } catch {
      throw new DtsError("INVALID_CONFIG", `${label.cert}: not a PEM certificate`);
    }
    let key;
    try {
      key = createPrivateKey(config.key);
    } catch {
      throw new DtsError("INVALID_CONFIG", `${label.key}: not a PEM private key (or it is encrypted with a passphrase)`);
    }
    if (!cert.checkPrivateKey(key)) throw new DtsError("INVALID_CONFIG", `${label.key} does not match the certificate in ${label.cert}`);
  }
}
