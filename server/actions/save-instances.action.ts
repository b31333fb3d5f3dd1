"use server";

import { operatorAction } from "@/server/auth/operator-action";
import { splitCredentials } from "@/server/engine/endpoint";
import { saveEndpoint } from "@/server/db/endpoint/save-endpoint";
import { getEndpoints } from "@/server/db/endpoint/get-endpoints";
import { updateTask } from "@/server/db/task/update-task";
import { addTaskEvent } from "@/server/db/task-event/add-task-event";
import type { z } from "zod";
import { ZConfigureInstancesSchema, type ZEndpointFormSchema } from "@/contracts/configure-task.types";
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

/** Step 1: the task name and both endpoints. Passwords are encrypted by saveEndpoint and never returned. */
export const saveInstancesAction = operatorAction(ZConfigureInstancesSchema, async ({ id, name, source, destination }, { operator }) => {
  await configurableTask(id);
  const before = await getEndpoints({ taskId: id });
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
    });
    // saveEndpoint clears the stored replication positions of an endpoint that moved
    moved ||= saved.moved;
  }
  // The whitelist probe has to run again for the endpoints as saved now.
  await updateTask({ id, data: { name, wizardStep: 2 } });
  await addTaskEvent({ taskId: id, level: "info", message: `Source and destination instances saved by ${operator.username}${moved ? "; stored replication positions cleared" : ""}.` });
  return { next: stepPath(id, 2) };
});
