/**
 * The language server outlives any one bug: an exception nobody caught or a promise rejection nobody
 * handled (a library's stray promise, a rule gone wrong on some input) is logged and the server carries
 * on, where Node's default would end the process and every open editor's diagnostics with it.
 * Only a broken pipe to the client is fatal: the client is gone, and so is the reason to run.
 */

/** Errors logged per minute at most: a fault that repeats on every keystroke must not flood the log. */
const LOG_LIMIT_PER_MINUTE = 20;
const CLIENT_GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ECONNRESET']);

export interface GuardStats { survivedErrors: number }

export function guardProcess(log: (message: string) => void, exit: (code: number) => void = (c) => process.exit(c)): GuardStats {
  const stats: GuardStats = { survivedErrors: 0 };
  let windowStart = 0;
  let inWindow = 0;
  let logging = false;
  const report = (what: string, error: unknown) => {
    if (CLIENT_GONE.has((error as { code?: string } | null)?.code ?? '')) { exit(1); return; }
    stats.survivedErrors++;
    const now = Date.now();
    if (now - windowStart > 60_000) { windowStart = now; inWindow = 0; }
    // Logging itself may fail (the connection is closing): never recurse into this handler.
    if (logging || ++inWindow > LOG_LIMIT_PER_MINUTE) return;
    logging = true;
    const text = `${what} (the server carries on): ${(error as Error | undefined)?.stack ?? String(error)}`;
    try { log(text); } catch { try { process.stderr.write(`[seaworthy] ${text}\n`); } catch { /* nowhere left to say it */ } }
    if (inWindow === LOG_LIMIT_PER_MINUTE) { try { log('further errors in this minute are not logged'); } catch { /* as above */ } }
    logging = false;
  };
  process.on('uncaughtException', (e) => report('uncaught exception', e));
  process.on('unhandledRejection', (e) => report('unhandled promise rejection', e));
  return stats;
}
