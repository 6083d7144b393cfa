/**
 * What leaves the engine shows no secret and nothing else changed. A detected secret is masked where it
 * sits (its own source range, or in text that quotes it there with its neighbours), never by searching
 * for its characters everywhere: a password `postgres` must not turn `image: postgres:16` or
 * `/var/lib/postgresql/data` into something else. Text taken from files is also made printable: terminal
 * control and bidirectional characters become visible escapes.
 */
import { isLiteralShellSecret, maskSecret, mayHoldKnownToken, TOKEN_FORMATS } from '../knowledge/secrets';
import { Range, SourceText } from '../model/range';
import type { AnalysisResult, Finding } from './analyze';
import type { Fix, TokenMatch } from './rule';
import { StringSetMatcher } from './string-set-matcher';

/** Offsets of one secret (or one line of a multi-line secret) in a text. */
export interface Span { start: number; end: number }

/** A secret as quoted text may show it: its characters and up to CONTEXT characters around it on its line. */
export interface SecretQuote { value: string; before: string; after: string }

const CONTEXT = 3;

/** Characters that end a URL's authority (`scheme://user:pass@host`): its path, query, fragment or the text around it. */
const AUTHORITY_END = new Set(['/', '?', '#', ' ', '\t', '\n', '\r', '"', "'", '`', '<', '>', '\\']);

/**
 * The passwords of every `scheme://user:password@host` in a text (any scheme), when they are literals
 * (not `${VAR}`, `$VAR` or a placeholder). Linear: an authority ends at the first `/`, so no character
 * is scanned for two URLs.
 */
export function urlCredentials(text: string): Span[] {
  const out: Span[] = [];
  let from = 0;
  for (;;) {
    const i = text.indexOf('://', from);
    if (i < 0) return out;
    from = i + 3;
    if (i === 0 || !/[A-Za-z0-9+.-]/.test(text[i - 1])) continue;
    let colon = -1, at = -1, j = i + 3;
    for (; j < text.length && !AUTHORITY_END.has(text[j]); j++) {
      if (text[j] === '@') at = j;
      else if (text[j] === ':' && colon < 0 && at < 0) colon = j;
    }
    from = j;
    if (colon < 0 || at < 0 || colon > at) continue;
    if (isLiteralShellSecret(text.slice(colon + 1, at))) out.push({ start: colon + 1, end: at });
  }
}

/** Every known token format in a text (a private key's `-----BEGIN` line names a secret, it is not one). */
export function knownTokens(text: string): Span[] {
  if (!mayHoldKnownToken(text)) return [];
  const out: Span[] = [];
  for (const f of TOKEN_FORMATS) {
    if (f.typeName === 'private key') continue;
    for (let m = f.find(text); m; m = f.find(text, m.index + Math.max(1, m.text.length))) {
      if (!/EXAMPLE/.test(m.text)) out.push({ start: m.index, end: m.index + m.text.length });
    }
  }
  return out;
}

const KEY_BEGIN = /-----BEGIN [A-Z0-9 ]{0,24}PRIVATE KEY(?: BLOCK)?-----/g;
/** Longer than any PEM private key (an RSA-4096 key is about 3,300 characters): an END further away belongs to something else. */
const MAX_KEY_BLOCK = 16384;

/** Every PEM private key, from its BEGIN line to its END line (the body is the secret, wherever a rule pointed at its header). */
export function privateKeyBlocks(text: string): Span[] {
  const out: Span[] = [];
  let end = -1;
  KEY_BEGIN.lastIndex = 0;
  for (let m = KEY_BEGIN.exec(text); m; m = KEY_BEGIN.exec(text)) {
    const from = m.index + m[0].length;
    // Searched once per END, not once per BEGIN: many BEGINs before a far END stay linear.
    if (end < from) end = text.indexOf('-----END ', from);
    if (end < 0) break;
    const close = text.indexOf('-----', end + 9);
    if (close >= 0 && close - m.index <= MAX_KEY_BLOCK) out.push({ start: m.index, end: close + 5 });
  }
  return out;
}

/**
 * Where the secrets a finished analysis detected sit in its text: the ranges of secrets findings
 * (accepted ones too; not findings that only name a file holding secrets), secretlint's token matches,
 * URL credentials, known token formats and PEM private key blocks. Sorted, without overlaps.
 */
export function detectSecretRanges(findings: Finding[], tokens: TokenMatch[], source: SourceText): Range[] {
  const spans: Span[] = [];
  for (const f of findings) {
    if (f.category !== 'secrets' || f.namesSecretHolder) continue;
    spans.push(unquoted(source.text, { start: source.offsetAt(f.range.start), end: source.offsetAt(f.range.end) }));
  }
  for (const t of tokens) spans.push({ start: source.offsetAt(t.range.start), end: source.offsetAt(t.range.end) });
  const urls = urlCredentials(source.text);
  // A match over a whole URL (secretlint's basic-auth rule) is its password: scheme and host are no secret.
  const narrowed = spans.flatMap((s) => { const inner = within(urls, s); return inner.length ? inner : [s]; });
  return mergeSpans([...narrowed, ...urls, ...knownTokens(source.text), ...privateKeyBlocks(source.text)]).map((s) => source.range(s.start, s.end));
}

/** A value's range without the quotes around it (a YAML or shell string) or a block scalar's header: they are not the secret, and masking a quote would eat it. */
function unquoted(text: string, s: Span): Span {
  // A block scalar's header line (`|`, `>-`, `|2`) only says how the lines below are read.
  const header = /^[|>][1-9+-]*[ \t]*(?:#[^\r\n]*)?(?:\r\n|\r|\n)/.exec(text.slice(s.start, Math.min(s.end, s.start + 200)));
  if (header) return { start: s.start + header[0].length, end: s.end };
  const q = text[s.start];
  return s.end - s.start >= 2 && (q === '"' || q === "'") && text[s.end - 1] === q ? { start: s.start + 1, end: s.end - 1 } : s;
}

/** The spans (sorted by start, as urlCredentials returns them) that lie inside `outer`. */
function within(sorted: Span[], outer: Span): Span[] {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid].start < outer.start) lo = mid + 1; else hi = mid; }
  const out: Span[] = [];
  for (let i = lo; i < sorted.length && sorted[i].start < outer.end; i++) if (sorted[i].end <= outer.end) out.push(sorted[i]);
  return out;
}

export function mergeSpans(spans: Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/**
 * The spans cut at line breaks, without the blanks at either end of each line: a multi-line secret (a
 * private key in a YAML block) is masked line by line and keeps its indentation.
 */
function linePieces(text: string, spans: Span[]): Span[] {
  const out: Span[] = [];
  const blank = (c: string) => c === ' ' || c === '\t';
  for (const s of mergeSpans(spans)) {
    let start = s.start;
    for (let i = s.start; i <= s.end; i++) {
      const c = i < s.end ? text[i] : '\n';
      if (c !== '\n' && c !== '\r') continue;
      let a = start, b = i;
      while (a < b && blank(text[a])) a++;
      while (b > a && blank(text[b - 1])) b--;
      if (b > a) out.push({ start: a, end: b });
      start = i + 1;
    }
  }
  return out;
}

/** The text with each span's characters replaced by its masked form; line breaks and everything outside the spans stay as they are. */
export function maskSpans(text: string, spans: Span[]): string {
  let out = '';
  let at = 0;
  for (const p of linePieces(text, spans)) {
    out += text.slice(at, p.start) + maskSecret(text.slice(p.start, p.end));
    at = p.end;
  }
  return out + text.slice(at);
}

/** maskSpans for the ranges of a result (see AnalysisResult.secrets). */
export function maskRanges(text: string, ranges: readonly Range[] | undefined): string {
  if (!ranges?.length) return text;
  const source = new SourceText(text);
  return maskSpans(text, ranges.map((r) => ({ start: source.offsetAt(r.start), end: source.offsetAt(r.end) })));
}

/**
 * The secret ranges of a file that stores secrets by design (a `.env` file, a Secret manifest the fixes
 * write): every value, since each one was put there to be kept out of sight.
 */
export function storedSecretSpans(text: string, format: 'dotenv' | 'manifest'): Span[] {
  const dotEnv = format === 'dotenv';
  const out: Span[] = [];
  let section = '';
  let block = -1; // indentation of the key whose block scalar (`|`, `>`) the next lines continue
  // Lines as the engine reads them (CRLF, LF or a lone CR), so a CR-only `.env` is read line by line too.
  const source = new SourceText(text);
  for (let line = 0; line < source.lineCount; line++) {
    const start = source.lineStart(line);
    const l = source.lineText(line);
    const indent = l.length - l.trimStart().length;
    if (!dotEnv && /^[^\s#]/.test(l)) section = l.split(':')[0];
    if (block >= 0 && (indent > block || !l.trim())) {
      if (l.trim()) out.push({ start: start + indent, end: start + l.trimEnd().length });
    } else {
      block = -1;
      const key = dotEnv ? /^\s*(?:export\s+)?[^=#\s]+\s*=[ \t]*/.exec(l) : section === 'stringData' || section === 'data' ? /^\s+[^:#\s]+:[ \t]*/.exec(l) : null;
      if (key) {
        let a = key[0].length, b = l.trimEnd().length;
        if (b - a >= 2 && (l[a] === '"' || l[a] === "'") && l[b - 1] === l[a]) { a++; b--; }
        if (!dotEnv && /^[|>]/.test(l[a] ?? '')) block = indent;
        else if (b > a) out.push({ start: start + a, end: start + b });
      }
    }
  }
  return out;
}

/** The secrets of a text with the characters around them on their lines, for masking text that quotes them. */
export function secretQuotes(text: string, spans: Span[]): SecretQuote[] {
  return linePieces(text, spans).map((p) => {
    let a = p.start;
    while (a > p.start - CONTEXT && a > 0 && text[a - 1] !== '\n' && text[a - 1] !== '\r') a--;
    let b = p.end;
    while (b < p.end + CONTEXT && b < text.length && text[b] !== '\n' && text[b] !== '\r') b++;
    return { value: text.slice(p.start, p.end), before: text.slice(a, p.start), after: text.slice(p.end, b) };
  }).filter((q) => q.value.trim().length > 0);
}

/** Context too short or blank to tell a quotation of the secret from the same characters used otherwise. */
const weak = (ctx: string) => ctx.length < 2 || !ctx.trim();

/**
 * Masks secrets in free text (a finding message, a fix title, a parser error): URL credentials and known
 * token formats wherever they are, and a detected secret where the text quotes it together with what
 * stands next to it in the file (`--password=hunter2`, `oauth2:TOKEN@`). The same characters elsewhere
 * (`image "postgres:16"` beside `POSTGRES_PASSWORD: postgres`) are other text and stay.
 */
export class SecretMasker {
  private readonly values: string[];
  private readonly around: SecretQuote[][];
  private readonly matcher: StringSetMatcher;

  constructor(quotes: SecretQuote[]) {
    const byValue = new Map<string, SecretQuote[]>();
    // Shorter values could only be told apart from ordinary text by their context, and are too short to hide anything.
    for (const q of quotes) if (q.value.length >= 3) (byValue.get(q.value) ?? byValue.set(q.value, []).get(q.value)!).push(q);
    this.values = [...byValue.keys()];
    this.around = [...byValue.values()];
    this.matcher = new StringSetMatcher(this.values);
  }

  mask(text: string): string {
    const spans: Span[] = [...urlCredentials(text), ...knownTokens(text)];
    for (const { index, start } of this.values.length ? this.matcher.matches(text) : []) {
      const end = start + this.values[index].length;
      if (this.around[index].some((q) => quotedAt(text, start, end, q))) spans.push({ start, end });
    }
    return spans.length ? maskSpans(text, spans) : text;
  }
}

/** Whether text[start, end) quotes the secret `q`: with its file neighbours, or as a whole word when it has none worth comparing. */
function quotedAt(text: string, start: number, end: number, q: SecretQuote): boolean {
  if (weak(q.before) && weak(q.after)) return !/\w/.test(text[start - 1] ?? '') && !/\w/.test(text[end] ?? '');
  return (!weak(q.before) && text.slice(start - q.before.length, start) === q.before) || (!weak(q.after) && text.slice(end, end + q.after.length) === q.after);
}

/** C0/C1 controls (tab and line feed kept), DEL, and the invisible bidirectional controls that reorder text. */
// eslint-disable-next-line no-control-regex
export const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text from files made safe to print: control and bidi characters (an ESC sequence, a lone CR) become visible `\x1b`/`\u202e` escapes. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** printable, line by line, keeping each line's CRLF ending (a printed diff of a CRLF file still applies). */
export function printableLines(text: string): string {
  return text.split('\n').map((l) => (l.endsWith('\r') ? `${printable(l.slice(0, -1))}\r` : printable(l))).join('\n');
}

/** Free text from a file, ready to leave the engine: secrets masked, controls visible. */
function clean(text: string, secrets: SecretMasker): string {
  return printable(secrets.mask(text));
}

function cleanFinding(f: Finding, quotes: SecretMasker): Finding {
  const fixOf = f.fix;
  return {
    ...f,
    message: clean(f.message, quotes),
    ...(f.related ? { related: f.related.map((r) => ({ ...r, message: clean(r.message, quotes) })) } : {}),
    ...(f.suppressed ? { suppressed: { ...f.suppressed, ...(f.suppressed.reason !== undefined ? { reason: clean(f.suppressed.reason, quotes) } : {}) } } : {}),
    ...(fixOf ? { fix: (): Fix[] => fixOf().map((x) => ({ ...x, title: clean(x.title, quotes) })) } : {}),
  };
}

/**
 * The engine's last step: records where the file's secrets sit (`result.secrets`) and masks them in every
 * text a finding, a fix title or a problem carries, so no output (CLI, reports, SARIF, diagnostics) can print one.
 */
export function maskResult(result: AnalysisResult, source: SourceText, tokens: TokenMatch[]): void {
  result.secrets = detectSecretRanges([...result.findings, ...result.suppressed], tokens, source);
  const quotes = new SecretMasker(secretQuotes(source.text, result.secrets.map((r) => ({ start: source.offsetAt(r.start), end: source.offsetAt(r.end) }))));
  result.findings = result.findings.map((f) => cleanFinding(f, quotes));
  result.suppressed = result.suppressed.map((f) => cleanFinding(f, quotes));
  result.problems = result.problems.map((p) => ({ ...p, message: clean(p.message, quotes) }));
}
