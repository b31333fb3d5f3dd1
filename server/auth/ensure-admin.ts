import "server-only";
import { countOperators } from "../db/operator/count-operators";
import { createOperator } from "../db/operator/create-operator";
import { setOperatorPassword } from "../db/operator/set-operator-password";
import { generatePassword, hashPassword } from "./password";

export const ADMIN_USERNAME = "admin";

export interface EnsureAdminOptions {
  /** ADMIN_PASSWORD: used when the first operator is created (or with reset) */
  password?: string;
  /** ADMIN_PASSWORD_RESET=1: set the admin's password to `password` even if it exists */
  reset?: boolean;
  log: (line: string) => void;
}

/**
 * First start: creates the admin account from ADMIN_PASSWORD, or with a generated password printed
 * once to the log (it is not stored anywhere else).
 */
export async function ensureAdmin({ password, reset, log }: EnsureAdminOptions): Promise<"created" | "reset" | "exists"> {
  if (password !== undefined && password.length < 8) log("auth: warning: ADMIN_PASSWORD is shorter than 8 characters");
  if (reset) {
    if (!password) throw new Error("ADMIN_PASSWORD_RESET=1 needs ADMIN_PASSWORD");
    const passwordHash = await hashPassword(password);
    if (await setOperatorPassword({ username: ADMIN_USERNAME, passwordHash })) {
      log(`auth: the password of "${ADMIN_USERNAME}" was reset from ADMIN_PASSWORD; its sessions were signed out`);
      return "reset";
    }
  } else if ((await countOperators()) > 0) {
    return "exists";
  }
  const chosen = password || generatePassword();
  try {
    await createOperator({ username: ADMIN_USERNAME, passwordHash: await hashPassword(chosen), role: "admin" });
  } catch (err) {
    // Another process created it at the same moment.
    if ((err as { code?: string }).code === "P2002") return "exists";
    throw err;
  }
  if (password) {
    log(`auth: created the operator "${ADMIN_USERNAME}" with the password from ADMIN_PASSWORD`);
  } else {
    log("");
    log("  ┌──────────────────────────────────────────────────────────────────");
    log(`  │ First start: created the operator "${ADMIN_USERNAME}" with the password`);
    log(`  │     ${chosen}`);
    log("  │ It is shown only this once. Sign in and keep it somewhere safe.");
    log("  └──────────────────────────────────────────────────────────────────");
    log("");
  }
  return "created";
}
