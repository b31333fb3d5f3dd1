// Run by scripts/start.mjs before the console starts (node --conditions=react-server --import tsx):
// creates or upgrades the database, then makes sure an operator can sign in.
import { describeError } from "../errors";
import { ensureAdmin } from "../auth/ensure-admin";
import { deleteExpiredSessions } from "../db/session/delete-expired-sessions";
import { closeDb } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { databaseConfig, describeDatabase } from "../db/url";

const log = (line: string) => console.log(line);

async function main(): Promise<number> {
  const config = databaseConfig();
  const { applied } = await migrateDatabase(config, log);
  log(`database: ${describeDatabase(config)} (${applied.length ? `${applied.length} migration(s) applied` : "up to date"})`);
  await ensureAdmin({ password: process.env.ADMIN_PASSWORD || undefined, reset: process.env.ADMIN_PASSWORD_RESET === "1", log });
  await deleteExpiredSessions();
  return 0;
}

main()
  .catch((err) => {
    console.error(`redis-dts: cannot prepare the database: ${describeError(err)}`);
    return 1;
  })
  .then(async (code) => {
    await closeDb().catch(() => {});
    process.exit(code);
  });
