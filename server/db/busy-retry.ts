/**
 * SQLite answers some lock conflicts at once with SQLITE_BUSY instead of waiting out the busy timeout
 * (turning a new file to WAL while another process opens it, a WAL recovery), and any wait longer
 * than the busy timeout (a console, ten engines and a CLI on one file) ends the same way. What failed
 * that way changed nothing and is run again, with jitter, for up to `BUSY_RETRY_MS`.
 */
export const BUSY_RETRY_MS = 30_000;

export function isBusy(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: string } } } } | null;
  const code = e?.code;
  if (typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code)) return true;
  // through Prisma's SQLite adapter: the driver's error is the cause, or only its text remains
  if (e?.meta?.driverAdapterError?.cause?.kind === "SocketTimeout") return true;
  if (e?.cause && e.cause !== err && isBusy(e.cause)) return true;
  return /database is locked|database table is locked|SQLITE_BUSY/i.test(String((err as Error)?.message ?? err));
}

export async function retryWhileBusy<T>(fn: () => T | Promise<T>, deadlineMs = BUSY_RETRY_MS): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusy(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 200));
    }
  }
}
