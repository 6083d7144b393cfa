/**
 * Writing the files a fix run changed, so that no value is ever lost: every target is checked before
 * anything is written (a regular file or absent and creatable, writable, inside the project root, not a
 * link out of it), each file is written to a temporary file in its own folder and renamed into place
 * (an interrupted run leaves either the old or the new text), and the files that receive secrets are
 * written before the files that will reference them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { readTextOrUndefined, SIDE_FILE_MAX_BYTES } from '../workspace/safe-read';

/** Why a fix may not write `file`, or undefined when it may. `root`: the folder no write may leave. */
export function unwritableReason(file: string, root: string): string | undefined {
  const name = path.basename(file);
  let st: fs.Stats | undefined;
  try { st = fs.lstatSync(file); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return `${name} cannot be inspected (${code})`;
  }
  let target = file;
  if (st?.isSymbolicLink()) {
    try { target = fs.realpathSync(file); } catch { return `${name} is a symbolic link to a file that does not exist`; }
    st = fs.statSync(target);
  }
  if (!isInside(realFolder(path.dirname(target)), realFolder(root))) return `${name} is outside the project (${root})`;
  if (st) {
    if (st.isDirectory()) return `${name} is a directory`;
    if (!st.isFile()) return `${name} is not a regular file`;
    // Root may write anywhere: the permission bits say what the owner meant.
    if ((st.mode & 0o222) === 0) return `${name} is read-only`;
    try { fs.accessSync(target, fs.constants.W_OK); } catch { return `${name} is not writable`; }
  }
  const dir = existingAncestor(path.dirname(target));
  try {
    if (!fs.statSync(dir).isDirectory()) return `${path.relative(root, dir) || dir} is not a folder`;
    fs.accessSync(dir, fs.constants.W_OK);
  } catch { return `the folder of ${name} is not writable`; }
  return undefined;
}

function existingAncestor(dir: string): string {
  let d = dir;
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/** A folder's real path (links resolved), also for a folder a fix creates. */
function realFolder(dir: string): string {
  const existing = existingAncestor(dir);
  let real = existing;
  try { real = fs.realpathSync(existing); } catch { /* keep the path as given */ }
  return path.join(real, path.relative(existing, dir));
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export class FixWriteError extends Error {}

export interface PlannedWrite { file: string; before: string | undefined; after: string; secret: boolean }

const TEMP = /^\.(.+)\.seaworthy-(\d+)-[0-9a-f]+\.tmp$/;

/**
 * Writes all changes or, when a target fails its check, changed on disk since it was read (another
 * program, another fix run) or cannot be prepared (disk full), none. Every new text is first written
 * and synced to a temporary file beside its target; then the temporary files are renamed into place:
 * secrets' destinations first, then the other side files, then the analysed files, so an interruption
 * at any moment leaves each file whole (old or new text) and never a reference to an unsaved value.
 */
export async function writeAll(changes: PlannedWrite[], root: string): Promise<void> {
  const targets = changes.map((c) => ({ ...c, real: realTarget(c.file), tmp: '' }));
  for (const t of targets) {
    const why = unwritableReason(t.file, root);
    if (why) throw new FixWriteError(`nothing written: ${why}`);
    let now: string | undefined;
    now = readTextOrUndefined(t.real, SIDE_FILE_MAX_BYTES * 8);
    if (now !== t.before) throw new FixWriteError(`nothing written: ${path.basename(t.file)} changed on disk while fixing; run seaworthy fix again`);
  }
  for (const dir of new Set(targets.map((t) => path.dirname(t.real)))) removeAbandonedTemps(dir);
  const removeTemps = () => { for (const t of targets) if (t.tmp) fs.rmSync(t.tmp, { force: true }); };
  try {
    // Synced in parallel: one at a time, a thousand files wait seconds for the disk.
    await inParallel(targets, 32, async (t) => { t.tmp = await prepare(t.real, t.after, t.secret ? 0o600 : 0o666); });
  } catch (e) {
    removeTemps();
    throw new FixWriteError(`nothing written: ${(e as Error).message}`);
  }
  const order = (t: PlannedWrite) => (t.secret ? 0 : path.basename(t.file).startsWith('.') ? 1 : 2);
  try {
    for (const t of [...targets].sort((a, b) => order(a) - order(b))) { fs.renameSync(t.tmp, t.real); t.tmp = ''; }
  } finally { removeTemps(); }
}

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** Where writing `file` lands: through a link (checked to stay inside the project), else the path itself. */
function realTarget(file: string): string {
  try { return fs.lstatSync(file).isSymbolicLink() ? fs.realpathSync(file) : file; } catch { return file; }
}

/** The new text in a synced temporary file beside `file`, with the file's mode (or `newFileMode`). */
async function prepare(file: string, text: string, newFileMode: number): Promise<string> {
  const dir = path.dirname(file);
  await fs.promises.mkdir(dir, { recursive: true });
  let mode: number | undefined;
  try { mode = (await fs.promises.stat(file)).mode & 0o7777; } catch { mode = undefined; }
  const tmp = path.join(dir, `.${path.basename(file)}.seaworthy-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const fh = await fs.promises.open(tmp, 'wx', mode ?? newFileMode);
  try {
    await fh.writeFile(text);
    if (mode !== undefined) await fh.chmod(mode);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  return tmp;
}

/** Temporary files a killed run left behind (they may hold secrets): removed once their process is gone. */
function removeAbandonedTemps(dir: string): void {
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return; }
  for (const n of names) {
    const m = TEMP.exec(n);
    if (m && !isAlive(Number(m[2]))) fs.rmSync(path.join(dir, n), { force: true });
  }
}

export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}
