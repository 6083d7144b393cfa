/**
 * Where programs send their logs: file paths, log-file flags and variables, and the paths that are
 * really the container's stdout/stderr. Facts shared by the observability rules.
 */
import type { ShellCommand, ShellWord } from './shell';

/** Paths that are the process's own output streams, or nothing. */
const STREAM_PATH = /^(?:\/dev\/(?:stdout|stderr|null|console|tty|fd\/[12])|\/proc\/(?:self|1)\/fd\/[12]|stdout|stderr|-|console|syslog)$/i;

/**
 * Log files the official images link to stdout/stderr (`ln -sf /dev/stdout /var/log/nginx/access.log`),
 * so writing there reaches `docker logs`.
 */
const LINKED_TO_STREAMS = new Set([
  '/var/log/nginx/access.log', '/var/log/nginx/error.log',
]);

/** The path looks like a log file or a log directory. */
export function isLogPath(path: string): boolean {
  const p = path.trim();
  if (!p || STREAM_PATH.test(p) || LINKED_TO_STREAMS.has(p) || /[$\uE000{}]/.test(p)) return false;
  return /\.log(?:\.\d+)?$/i.test(p) || /(?:^|\/)var\/log(?:\/|$)/.test(p) || /(?:^|\/)logs?\/[^/]*$/.test(p) || /(?:^|\/)logs?\/?$/.test(p);
}

/** A file path (not a URL, not a stream, not a host:port). */
export function isFilePath(value: string): boolean {
  const v = value.trim();
  return !!v && !STREAM_PATH.test(v) && !v.includes('://') && !/^[\w.-]+:\d+$/.test(v) && !/\s/.test(v) && (v.includes('/') || /\.log$/i.test(v));
}

/**
 * Environment variables whose value is where a program writes its log file. `*_LOG_DIRS` is left out:
 * Kafka calls its data directories "log dirs".
 */
const LOG_FILE_VAR = /^(?:[A-Za-z0-9]+[_.])*(?:LOG_?FILE(?:_?(?:PATH|NAME))?|LOG_?PATH|LOG_FILENAME|LOG_?DIR(?:ECTORY)?|ERROR_?LOG(?:_?FILE)?|ACCESS_?LOG(?:_?FILE)?)$/i;

export function isLogFileVariable(name: string): boolean {
  return LOG_FILE_VAR.test(name);
}

/** Command-line flags that send a program's log to a file (`--log-file=/var/log/app.log`, mongod `--logpath`). */
const LOG_FLAGS = new Set([
  '--log-file', '--logfile', '--log_file', '--log-path', '--logpath', '--log_path', '--error-log', '--error-logfile', '--errorlog',
  '--access-logfile', '--access-log', '--log-error', '--general-log-file', '--slow-query-log-file',
]);

export interface LogTarget { path: string; from: ShellWord; to: ShellWord; how: string }

/** Log files a command writes: log-flag values. Redirects are read separately (they have no word for the operator). */
export function logFlagTargets(cmd: ShellCommand): LogTarget[] {
  const out: LogTarget[] = [];
  const w = cmd.words;
  for (let i = 0; i < w.length; i++) {
    const t = w[i].text;
    const eq = t.indexOf('=');
    const flag = eq > 0 ? t.slice(0, eq) : t;
    if (!LOG_FLAGS.has(flag)) continue;
    const value = eq > 0 ? t.slice(eq + 1) : w[i + 1]?.text;
    const last = eq > 0 ? w[i] : w[i + 1];
    if (value !== undefined && last && isFilePath(value) && !/[$\uE000]/.test(value)) out.push({ path: value, from: w[i], to: last, how: `\`${flag}\`` });
  }
  return out;
}

/** Redirect operators that send output to a file. */
export function isOutputRedirect(op: string): boolean {
  return op === '>' || op === '>>' || op === '>|' || op === '&>' || op === '&>>';
}
