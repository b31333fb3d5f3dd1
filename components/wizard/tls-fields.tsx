"use client";

import { useId } from "react";
import { TextField } from "@/components/ui/text-field";
import type { EndpointDraft } from "./endpoint-draft";

function PemField({ label, name, value, onChange, error, hint }: { label: string; name: string; value: string; onChange: (v: string) => void; error?: string; hint: string }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={3}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
        placeholder="-----BEGIN …-----"
        className={`mt-1 block w-full rounded-md border bg-white px-3 py-2 font-mono text-xs text-slate-900 shadow-xs focus:border-blue-500 focus:outline-none focus:ring-2 focus:ring-blue-500/30 ${error ? "border-red-400" : "border-slate-300"}`}
      />
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
        {hint}
      </p>
      {error && (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * TLS toward one side: every connection the engine makes to it. The CA, client certificate and key
 * are stored encrypted like the password and never shown again; empty fields keep what is stored.
 */
export function TlsFields({
  role,
  value,
  onChange,
  errors,
  hasTlsMaterial,
}: {
  role: "source" | "destination";
  value: EndpointDraft;
  onChange: (patch: Partial<EndpointDraft>) => void;
  errors: Record<string, string | undefined>;
  hasTlsMaterial: boolean;
}) {
  const err = (field: string) => errors[`${role}.${field}`];
  const keep = hasTlsMaterial ? " Leave it empty to keep the stored one." : "";
  return (
    <div className="space-y-3 rounded-md border border-slate-200 p-3">
      <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
        <input type="checkbox" className="size-4 accent-blue-600" name={`${role}-tls`} checked={value.tls} onChange={(e) => onChange({ tls: e.target.checked })} />
        Connect over TLS
      </label>
      {value.tls && (
        <>
          <PemField label="CA certificate (PEM)" name={`${role}-tls-ca`} value={value.tlsCa} onChange={(v) => onChange({ tlsCa: v })} error={err("tlsCa")} hint={`The CA that signed the server certificates; empty: the system's CAs.${keep}`} />
          <PemField label="Client certificate (PEM)" name={`${role}-tls-cert`} value={value.tlsCert} onChange={(v) => onChange({ tlsCert: v })} error={err("tlsCert")} hint={`Only for servers with tls-auth-clients.${keep}`} />
          <PemField label="Client private key (PEM)" name={`${role}-tls-key`} value={value.tlsKey} onChange={(v) => onChange({ tlsKey: v })} error={err("tlsKey")} hint={`The key of the client certificate, not encrypted with a passphrase.${keep}`} />
          <TextField
            label="TLS server name"
            name={`${role}-tls-servername`}
            value={value.tlsServername}
            onChange={(e) => onChange({ tlsServername: e.target.value })}
            error={err("tlsServername")}
            hint="The name the server certificates carry, when it is not the host entered above (optional)."
            autoComplete="off"
            spellCheck={false}
            maxLength={253}
          />
          <label className="flex items-start gap-2 text-sm text-slate-700">
            <input type="checkbox" className="mt-0.5 size-4 accent-blue-600" name={`${role}-tls-insecure`} checked={value.tlsInsecure} onChange={(e) => onChange({ tlsInsecure: e.target.checked })} />
            <span>Do not verify the server certificate (anyone on the path could pose as the server; the status page says so)</span>
          </label>
        </>
      )}
    </div>
  );
}
