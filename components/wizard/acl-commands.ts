/**
 * The least an account needs on each side, as ACL SETUSER commands (Redis 6+). PASSWORD is left for
 * the operator to fill in: the console never shows a stored password.
 */
export function sourceAcl(user: string, cluster = false): string {
  return [
    `ACL SETUSER ${user} on >PASSWORD resetkeys resetchannels -@all`,
    "+psync +replconf +ping +info +select +config|get +command|info +acl|dryrun +module|list",
    "+cluster|nodes +cluster|info +cluster|slots",
    // the task's own keys: the heartbeat, and its removal when the task is finished or deleted
    "~DTS_REDIS_TIMESTAMP_HEARTBEAT* +set +scan +unlink",
    // a cluster's PUBLISH travels over the cluster bus: the engine forwards it by subscribing
    ...(cluster ? ["&* +psubscribe"] : []),
  ].join(" ");
}

/** Data Verification reads every key of the source and its Functions libraries: read-only access, added to the same user. */
export function sourceVerifyAcl(user: string): string {
  return `ACL SETUSER ${user} %R~* +@read +scan +type +pttl +dump +function|list`;
}

export function destinationAcl(user: string): string {
  return [
    `ACL SETUSER ${user} on >PASSWORD ~* &* -@all`,
    "+@write +@read +@keyspace +@transaction +@scripting +@connection",
    "+info +select +config|get +wait +cluster|nodes +cluster|info +cluster|slots +publish +spublish +module|list",
  ].join(" ");
}
