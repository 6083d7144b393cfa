/**
 * `.env` files as `docker compose` reads them (compose-go's dotenv): `[export ]KEY=VALUE` lines,
 * single-quoted values literal, double-quoted values with backslash escapes, unquoted values trimmed
 * and cut at ` #`. Fixes that move a value into a `.env` compare against what is already there with
 * this reading, whatever the file's line breaks (LF, CRLF, CR), byte-order mark or final newline.
 */
import * as path from 'path';
import { hasLineBreak, withoutTrailingComment } from '../knowledge/text';
import { splitLines } from '../model/line-breaks';

/** Files that receive configuration values (and so secrets): `.env`, `.env.production`, not `.env.example`. */
export function isEnvFile(file: string): boolean {
  const name = path.basename(file);
  return /^\.env(?:\..+)?$/.test(name) && !/\.(?:example|sample|template|dist|defaults?)$/i.test(name);
}


export interface DotEnvValue {
  /** The value as the container receives it, undefined when Compose would interpolate it (`$NAME` in an unquoted or double-quoted value). */
  value: string | undefined;
  /** The line as written, for comparing values Seaworthy cannot evaluate. */
  line: string;
}

// The value is read after the match (blanks trimmed): `=\s*(.*)$` retried every split of a blank run.
const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=([\s\S]*)$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

/** One `.env` line: its key and value, or undefined for blanks, comments and lines Compose would reject. */
export function parseDotEnvLine(line: string): { key: string; entry: DotEnvValue } | undefined {
  const m = ASSIGNMENT.exec(line);
  if (!m) return undefined;
  const key = m[1];
  const rest = m[2].trimStart();
  if (hasLineBreak(rest)) return undefined;
  const entry = (value: string | undefined) => ({ key, entry: { value, line: line.trim() } });
  if (rest.startsWith("'")) {
    const end = rest.indexOf("'", 1);
    return entry(end < 0 ? undefined : rest.slice(1, end));
  }
  if (rest.startsWith('"')) {
    let out = '';
    for (let i = 1; i < rest.length; i++) {
      const c = rest[i];
      if (c === '"') return entry(/(^|[^\\])\$/.test(rest.slice(1, i)) ? undefined : out);
      if (c === '\\' && i + 1 < rest.length) { const n = rest[++i]; out += ESCAPES[n] ?? `\\${n}`; } else out += c;
    }
    return entry(undefined); // unterminated: Compose reads following lines, Seaworthy does not guess
  }
  const value = withoutTrailingComment(rest).trim();
  return entry(value.includes('$') ? undefined : value);
}

/** Every key a `.env` text defines (a later definition wins, as in Compose). */
export function parseDotEnv(text: string): Map<string, DotEnvValue> {
  const out = new Map<string, DotEnvValue>();
  for (const l of splitLines(text)) {
    const p = parseDotEnvLine(l);
    if (p) out.set(p.key, p.entry);
  }
  return out;
}

/**
 * How a line Seaworthy would add relates to a `.env`'s content: `absent` (append it), `same` (the key
 * already holds this value: reuse it), `conflict` (the key holds another value, or one Seaworthy
 * cannot evaluate: appending would leave the moved value unused, replacing would lose the other one).
 */
export function dotEnvStatus(existing: string, line: string): { key?: string; status: 'absent' | 'same' | 'conflict' } {
  const wanted = parseDotEnvLine(line);
  if (!wanted) return { status: 'absent' };
  const have = parseDotEnv(existing).get(wanted.key);
  if (!have) return { key: wanted.key, status: 'absent' };
  const same = have.line === wanted.entry.line || (have.value !== undefined && have.value === wanted.entry.value);
  return { key: wanted.key, status: same ? 'same' : 'conflict' };
}
