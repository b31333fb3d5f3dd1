/**
 * What a stored endpoint secret is bound to: the task, the side, and where and how it is sent (host,
 * port, user, mode, and TLS settings). The secret is encrypted with this as additional data, so a row pointed elsewhere
 * by any path (a form, a bug, a hand-edited database) cannot decrypt it: the password never reaches an
 * address it was not given for.
 */
export interface EndpointBindingFields {
  taskId: string;
  role: string;
  host: string;
  port: number;
  username: string | null;
  mode: string;
  /** TLS on, verification off, the name checked: turning TLS off or verification off moves the secret too */
  tls?: boolean;
  tlsInsecure?: boolean;
  tlsServername?: string | null;
}

export function endpointBinding(e: EndpointBindingFields): string {
  const base = [e.taskId, e.role, e.host, e.port, e.username || null, e.mode];
  // Plain endpoints keep the binding they were saved with before TLS existed.
  return JSON.stringify(e.tls ? [...base, "tls", Boolean(e.tlsInsecure), e.tlsServername || null] : base);
}

/** True when a secret saved for `before` would be sent somewhere else (or as someone else) by `after`. */
export function bindingChanged(before: EndpointBindingFields, after: EndpointBindingFields): boolean {
  return endpointBinding(before) !== endpointBinding(after);
}
