/**
 * One `seaworthy fix` at a time per project: two runs that read the same `.env` and each append to it
 * would otherwise keep only one run's values while both rewrite their references. A lock file created
 * with O_EXCL holds the owner's pid; a lock whose process is gone (killed, crashed) is taken over.
 * (Written here rather than with proper-lockfile: that library detects stale locks by age, so every run
 * after a `kill -9` would wait for the lock to age; the owner's pid answers at once on one machine.)
 */
import * as fs from 'fs';
import { readTextFile } from '../workspace/safe-read';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { isAlive } from './fix-write';

export const LOCK_NAME = '.seaworthy-fix.lock';

export class FixLockError extends Error {}

interface Owner { pid: number; host: string; token: string }

function readOwner(file: string): Owner | undefined {
  try {
    const o = JSON.parse(readTextFile(file, 4096)) as Partial<Owner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string' ? o as Owner : undefined;
  } catch { return undefined; }
}

/** The lock is abandoned: its process is gone, or it was never completely written and is old. */
function isStale(file: string, owner: Owner | undefined): boolean {
  if (owner) return owner.host === os.hostname() && !isAlive(owner.pid);
  try { return Date.now() - fs.statSync(file).mtimeMs > 10_000; } catch { return false; }
}

/**
 * Waits (up to `timeoutMs`) for the project's lock and returns its release. The lock is also released
 * when the process exits normally.
 */
export async function acquireFixLock(root: string, timeoutMs = 60_000): Promise<() => void> {
  const file = path.join(root, LOCK_NAME);
  const me: Owner = { pid: process.pid, host: os.hostname(), token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644);
      try { fs.writeFileSync(fd, JSON.stringify(me)); } finally { fs.closeSync(fd); }
      const release = () => {
        process.removeListener('exit', release);
        if (readOwner(file)?.token === me.token) fs.rmSync(file, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A folder no one may write in: no fix will write there either (each target is refused), so no lock is needed.
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return () => undefined;
      if (code !== 'EEXIST') throw new FixLockError(`cannot lock ${root} for fixing: ${(e as Error).message}`);
    }
    const owner = readOwner(file);
    if (isStale(file, owner)) { takeOverStale(file, owner); continue; }
    if (Date.now() > deadline) throw new FixLockError(`another seaworthy fix${owner ? ` (pid ${owner.pid})` : ''} is changing ${root}; try again when it has finished`);
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
  }
}

/**
 * Removes an abandoned lock without removing a fresh one another run created meanwhile: the lock is
 * moved aside first and put back when it turns out not to be the abandoned one.
 */
function takeOverStale(file: string, stale: Owner | undefined): void {
  const aside = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try { fs.renameSync(file, aside); } catch { return; }
  const moved = readOwner(aside);
  if (moved && moved.token !== stale?.token) {
    try { fs.linkSync(aside, file); } catch { /* a third run holds it now; this one waits its turn */ }
  }
  fs.rmSync(aside, { force: true });
}
