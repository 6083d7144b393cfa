import * as fs from 'fs';
import { decodeText } from '../parse/decode';

/**
 * The one way Seaworthy reads a file from disk. A repository can hold anything under a name we read: a
 * FIFO named `Dockerfile` or `.env` (reading it waits forever for a writer), a `Dockerfile` linked to
 * `/dev/zero` (reading it never ends and fills memory), a folder, a file of gigabytes. So:
 * - only regular files are read: stat first (a device or FIFO is never opened), then open with
 *   O_NONBLOCK (opening a FIFO swapped in meanwhile cannot block) and check the open file again;
 * - the size cap applies before reading, and the read itself stops one byte past the cap (a file that
 *   grows while it is read, or one whose size the file system does not report, e.g. under /proc).
 */

/** Cap for files read whole but not analysed (a project config, a fix's `.env` or `.gitignore`). */
export const SIDE_FILE_MAX_BYTES = 16 * 1024 * 1024;

// Windows has neither flag (and no FIFOs that block on open); 0 leaves the open as it was.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);

export type UnreadableReason = 'missing' | 'not-regular' | 'too-large' | 'denied' | 'loop' | 'path-too-long' | 'other';

/** Why a file was not read, in words a user understands (`message` completes "Could not read the file: …"). */
export class UnreadableFile extends Error {
  constructor(readonly file: string, readonly reason: UnreadableReason, message: string, readonly size?: number) { super(message); }
}

function kindOf(st: fs.Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function mb(bytes: number): string { return (bytes / 1048576).toFixed(bytes < 1048576 ? 1 : 0); }

function refuse(file: string, st: fs.Stats, maxBytes: number): void {
  const kind = kindOf(st);
  if (kind) throw new UnreadableFile(file, 'not-regular', `it is ${kind}, not a regular file`);
  if (st.size > maxBytes) throw tooLarge(file, st.size, maxBytes);
}

function tooLarge(file: string, size: number, maxBytes: number): UnreadableFile {
  return new UnreadableFile(file, 'too-large', `${(size / 1048576).toFixed(1)} MB is over the ${mb(maxBytes)} MB limit`, size);
}

/** A file system error as an UnreadableFile (anything else is rethrown unchanged). */
export function unreadable(file: string, e: unknown): UnreadableFile {
  if (e instanceof UnreadableFile) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': case 'ENOTDIR': return new UnreadableFile(file, 'missing', 'it does not exist');
    case 'EACCES': case 'EPERM': return new UnreadableFile(file, 'denied', 'permission denied');
    case 'ELOOP': return new UnreadableFile(file, 'loop', 'it is a symbolic link that loops back on itself');
    case 'ENAMETOOLONG': return new UnreadableFile(file, 'path-too-long', 'its path is longer than the system allows');
    case 'EISDIR': return new UnreadableFile(file, 'not-regular', 'it is a folder, not a regular file');
    case undefined: throw e;
    default: return new UnreadableFile(file, 'other', `${code} (${(e as Error).message.split(',')[0]})`);
  }
}

/** The bytes of a regular file of at most `maxBytes`; throws UnreadableFile otherwise. Never blocks on a FIFO. */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    refuse(file, fs.statSync(file), maxBytes);
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) { throw unreadable(file, e); }
  try {
    const st = fs.fstatSync(fd);
    refuse(file, st, maxBytes);
    let buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        if (total > maxBytes) throw tooLarge(file, total, maxBytes);
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2 + 4096, maxBytes + 1));
        buf.copy(bigger, 0, 0, total);
        buf = bigger;
      }
      const n = fs.readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
    }
    return buf.subarray(0, total);
  } catch (e) { throw unreadable(file, e); } finally { fs.closeSync(fd); }
}

/** A regular file's text (UTF-8, as `fs.readFileSync(file, 'utf8')` decodes it); throws UnreadableFile. */
export function readTextFile(file: string, maxBytes: number): string {
  return readRegularFile(file, maxBytes).toString('utf8');
}

/** The text, or undefined when the file cannot be read for any reason (missing, not regular, too large...). */
export function readTextOrUndefined(file: string, maxBytes: number): string | undefined {
  try { return readTextFile(file, maxBytes); } catch (e) { if (e instanceof UnreadableFile) return undefined; throw e; }
}

/** How an analysis reports a file it could not read: a skipped oversized file warns, anything else is an error. */
export function readProblem(e: UnreadableFile): { severity: 'warning' | 'error'; message: string } {
  return e.reason === 'too-large' ? { severity: 'warning', message: `File skipped: ${e.message}.` } : { severity: 'error', message: `Could not read the file: ${e.message}.` };
}

/**
 * A regular file's text as analysis reads it: UTF-16 with a byte-order mark decoded as such, UTF-8
 * otherwise (decodeText). Fixes read with readTextFile instead: they write UTF-8, so a UTF-16 file must
 * stay recognisable to them and be left alone.
 */
export function readDecodedText(file: string, maxBytes: number): string {
  return decodeText(readRegularFile(file, maxBytes));
}

/** readDecodedText, or undefined when the file cannot be read for any reason. */
export function readDecodedOrUndefined(file: string, maxBytes: number): string | undefined {
  try { return readDecodedText(file, maxBytes); } catch (e) { if (e instanceof UnreadableFile) return undefined; throw e; }
}
