"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { splitCredentials } from "@/server/engine/endpoint";
import { saveEndpoint } from "@/server/db/endpoint/save-endpoint";
import { getEndpoints } from "@/server/db/endpoint/get-endpoints";
import { updateTask } from "@/server/db/task/update-task";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import type { z } from "zod";
import { passwordReentryMessage, ZConfigureInstancesSchema, type ZEndpointFormSchema } from "@/contracts/configure-task.types";
import { FieldError } from "@/server/auth/field-error";
import { getEndpointCredentials } from "@/server/db/endpoint/get-endpoint-credentials";
import { validateTlsMaterial, type TlsConfig } from "@/server/engine/tls";
import { DtsError } from "@/server/errors";
import type { EndpointView } from "@/contracts/endpoint.types";
import { configurableTask, stepPath } from "@/server/console/wizard-task";

type Side = z.output<typeof ZEndpointFormSchema>;

/** What saveEndpoint receives for the password field: a new secret, a removal, or "keep". */
function credentials(form: Side, stored: EndpointView | undefined) {
  if (form.password) {
    const { username, password } = splitCredentials(form.password);
    return { username: username ?? null, password: password ?? null };
  }
  if (form.clearPassword) return { username: null, password: null };
  return { username: stored?.username ?? null, password: undefined };
}

/**
 * The side's TLS settings: PEM fields left empty keep what is stored (while the endpoint stays where
 * it was saved: stored material is bound like the password). Bad PEM is a field error; nothing is stored.
 */
async function tlsSettings(taskId: string, role: "source" | "destination", form: Side, stays: boolean): Promise<{ tls: TlsConfig | null } | { errors: Record<string, string> }> {
  if (!form.tls) return { tls: null };
  const stored = stays ? await getEndpointCredentials({ taskId, role }).catch(() => null) : null;
  const pem = (text: string | undefined) => (text && text.trim() ? text.trim() + "\n" : undefined);
  const tls: TlsConfig = {
    ca: pem(form.tlsCa) ?? stored?.tls?.ca,
    cert: pem(form.tlsCert) ?? stored?.tls?.cert,
    key: pem(form.tlsKey) ?? stored?.tls?.key,
    ...(form.tlsServername && { servername: form.tlsServername }),
    ...(form.tlsInsecure && { insecure: true }),
  };
  for (const k of ["ca", "cert", "key"] as const) if (tls[k] === undefined) delete tls[k];
  const errors: Record<string, string> = {};
  const label = { ca: "CA certificate", cert: "Client certificate", key: "Client private key" };
  try {
    validateTlsMaterial({ ca: tls.ca }, label);
  } catch (err) {
    if (!(err instanceof DtsError)) throw err;
    errors[`${role}.tlsCa`] = `${err.message}.`;
  }
  try {
    validateTlsMaterial({ cert: tls.cert, key: tls.key }, label);
  } catch (err) {
    if (!(err instanceof DtsError)) throw err;
    errors[err.message.startsWith(label.key) ? `${role}.tlsKey` : `${role}.tlsCert`] = `${err.message}.`;
  }
  return Object.keys(errors).length ? { errors } : { tls };
}

/** Step 1: the task name and both endpoints. Passwords are encrypted by saveEndpoint and never returned. */
export const saveInstancesAction = operatorAction(ZConfigureInstancesSchema, async ({ id, name, source, destination }, { operator }) => {
  await configurableTask(id);
  const before = await getEndpoints({ taskId: id });
  // A stored secret goes only where it was saved for: a moved side must be given its password again.
  const reentry: Record<string, string> = {};
  for (const [role, form] of [["source", source], ["destination", destination]] as const) {
    const message = passwordReentryMessage(role, before[role], form);
    if (message) reentry[`${role}.password`] = message;
  }
  const tlsBySide: Partial<Record<"source" | "destination", TlsConfig | null>> = {};
  for (const [role, form] of [["source", source], ["destination", destination]] as const) {
    const settings = await tlsSettings(id, role, form, !passwordReentryMessage(role, before[role] && { ...before[role], hasPassword: true }, { ...form, password: "" }));
    if ("errors" in settings) Object.assign(reentry, settings.errors);
    else tlsBySide[role] = settings.tls;
  }
  if (Object.keys(reentry).length) throw new FieldError(reentry);
  const dropped: string[] = [];
  let moved = false;
  for (const [role, form] of [["source", source], ["destination", destination]] as const) {
    const saved = await saveEndpoint({
      taskId: id,
      role,
      instanceType: form.instanceType,
      regionLabel: form.regionLabel,
      host: form.host,
      port: form.port,
      mode: form.mode,
      ...credentials(form, before[role]),
      tls: tlsBySide[role] ?? null,
    });
    if (saved.passwordDropped) dropped.push(role);
    // saveEndpoint clears the stored replication positions of an endpoint that moved
    moved ||= saved.moved;
  }
  // The whitelist probe has to run again for the endpoints as saved now.
  await updateTask({ id, data: { name, wizardStep: 2 } });
  await addTaskEvent({ taskId: id, level: "info", message: `Source and destination instances saved by ${operator.username}${moved ? "; stored replication positions cleared" : ""}${dropped.length ? `; the stored ${dropped.join(" and ")} password was removed (its endpoint changed)` : ""}.` });
  return { next: stepPath(id, 2) };
});
