"use client";

import { TextField } from "@/components/ui/text-field";
import type { TInstanceMode, TInstanceType } from "@/contracts/endpoint.types";
import { RadioGroup } from "./radio-group";
import { TlsFields } from "./tls-fields";
import type { EndpointDraft } from "./endpoint-draft";

export type { EndpointDraft };

const INSTANCE_TYPES = [
  { value: "self_managed" as const, label: "User-Created Database with a reachable host", description: "A Redis server or cluster this engine reaches by address, e.g. on a virtual machine." },
  {
    value: "vpn_gateway" as const,
    label: "User-Created Database Connected over VPN Gateway, Express Connect or Smart Access Gateway",
    description: "Reached through a private link. Same fields: the engine needs a route to the host and port.",
  },
];

const MODES = [
  { value: "standalone" as const, label: "Standalone", description: "One server (a master, with or without replicas)." },
  { value: "cluster" as const, label: "Cluster", description: "Redis Cluster: enter any one node, every master and replica is discovered." },
];

/** The fields of one side, in the reference console's order. Errors are keyed like "source.port". */
export function EndpointFields({
  role,
  value,
  onChange,
  errors,
  hasPassword,
  storedUser,
  reentry,
  hasTlsMaterial = false,
}: {
  role: "source" | "destination";
  value: EndpointDraft;
  onChange: (patch: Partial<EndpointDraft>) => void;
  errors: Record<string, string | undefined>;
  hasPassword: boolean;
  storedUser: string | null;
  /** set when the side was pointed elsewhere: its stored password will not follow */
  reentry: string | null;
  /** a CA, client certificate or key is stored for this side */
  hasTlsMaterial?: boolean;
}) {
  const err = (field: string) => errors[`${role}.${field}`];
  const source = role === "source";
  const title = source ? "Source Instance Details" : "Destination Instance Details";
  const instanceType = (
    <RadioGroup
      legend="Instance Type"
      name={`${role}-instanceType`}
      value={value.instanceType}
      onChange={(v) => onChange({ instanceType: v })}
      options={INSTANCE_TYPES}
      columns={1}
    />
  );
  const mode = (
    <RadioGroup legend="Instance Mode" name={`${role}-mode`} value={value.mode} onChange={(v) => onChange({ mode: v })} options={MODES} />
  );
  const address = (
    <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_8rem]">
      <TextField
        label="Host"
        name={`${role}-host`}
        value={value.host}
        onChange={(e) => onChange({ host: e.target.value })}
        error={err("host")}
        hint={source ? "IP address or host name of the server (for a cluster: any master node)." : "IP address or host name of the destination (for a cluster: any node)."}
        autoComplete="off"
        spellCheck={false}
        maxLength={253}
      />
      <TextField
        label="Port Number"
        name={`${role}-port`}
        value={value.port}
        onChange={(e) => onChange({ port: e.target.value })}
        error={err("port")}
        inputMode="numeric"
        autoComplete="off"
        maxLength={6}
      />
    </div>
  );
  const stored = reentry
    ? "The stored password stays with the old address: enter the password for the new one."
    : hasPassword
      ? `A password is stored${storedUser ? ` for user ${storedUser}` : ""}: leave the field empty to keep it.`
      : "No password is stored.";
  const password = (
    <div className="space-y-1.5">
      <TextField
        label="Database Password"
        name={`${role}-password`}
        type="password"
        value={value.password}
        onChange={(e) => onChange({ password: e.target.value, clearPassword: false })}
        error={err("password") ?? (reentry && value.password === "" && !value.clearPassword ? reentry : undefined)}
        autoComplete="new-password"
        hint={
          source
            ? `Optional: leave it empty when the source needs no password. All nodes of a source cluster must share this password. For an ACL user enter <user>:<password>. ${stored}`
            : `Enter <user>:<password> for an ACL user (e.g. dts:Rp829dlwa), or only a password to log in as the default user. A password that itself contains ":" is entered as default:<password>. ${stored}`
        }
      />
      {hasPassword && (
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" className="size-4 accent-blue-600" checked={value.clearPassword} onChange={(e) => onChange({ clearPassword: e.target.checked, password: "" })} />
          {reentry ? "The server at the new address needs no password" : "Remove the stored password (the server needs none)"}
        </label>
      )}
    </div>
  );
  return (
    <fieldset className="min-w-0 space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
      <legend className="px-1 text-base font-semibold text-slate-900">{title}</legend>
      {instanceType}
      <TextField
        label="Instance Region"
        name={`${role}-region`}
        value={value.regionLabel}
        onChange={(e) => onChange({ regionLabel: e.target.value })}
        error={err("regionLabel")}
        hint="A free label, e.g. the site or data center."
        maxLength={64}
      />
      <div>
        <p className="text-sm font-medium text-slate-800">Database Type</p>
        <p className="mt-1 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700">Redis</p>
      </div>
      {source ? (
        <>
          {mode}
          {address}
        </>
      ) : (
        <>
          {address}
          {mode}
        </>
      )}
      {password}
      <TlsFields role={role} value={value} onChange={onChange} errors={errors} hasTlsMaterial={hasTlsMaterial && !reentry} />
    </fieldset>
  );
}
