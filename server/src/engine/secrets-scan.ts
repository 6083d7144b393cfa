import type { TokenMatch } from './rule';
import type { SourceText } from '../model/range';

/**
 * secretlint 11 profiles every run through a process-wide singleton: each `performance.mark` is kept for
 * the life of the process (secretlint/secretlint#1633), and its PerformanceObserver measures each `::end`
 * mark against its `::start` in a promise nobody awaits. Clearing the marks after one scan made the
 * measure of another, overlapping scan reject unhandled, and Node exited (issue #19). We never read the
 * profile: switch it off before the first scan (secretlint 13 has `setEnabled`; 11 only lets us replace
 * `mark`), so no mark, measure or pending promise exists at all.
 */
interface SecretlintProfiler { mark?: (marker: unknown) => void; setEnabled?: (enabled: boolean) => void }
export function disableProfiler(profiler: SecretlintProfiler | undefined): void {
  if (!profiler) return;
  if (typeof profiler.setEnabled === 'function') profiler.setEnabled(false);
  else profiler.mark = () => undefined;
}

type LintSource = typeof import('@secretlint/core', { with: { 'resolution-mode': 'import' } }).lintSource;
let loaded: Promise<{ lintSource: LintSource; creator: unknown }> | undefined;

/** secretlint's lintSource and recommended preset, with its profiler off. */
export function loadSecretlint() {
  // secretlint is ESM-only; a real dynamic import keeps the CommonJS build working on Node 20. The
  // profiler is the instance @secretlint/core imports (one copy in node_modules, one in each bundle).
  loaded ??= Promise.all([import('@secretlint/profiler'), import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend')])
    .then(([profiler, core, preset]) => {
      disableProfiler((profiler as unknown as { secretLintProfiler?: SecretlintProfiler }).secretLintProfiler);
      return { lintSource: core.lintSource, creator: preset.creator };
    });
  return loaded;
}

/** The rules of secretlint's recommended preset that MAY_HOLD_TOKEN below was derived from (a test compares it with the installed preset). */
export const PRESET_RULE_IDS = [
  'aws', 'gcp', 'npm', 'slack', 'basicauth', 'openai', 'anthropic', 'linear', 'privatekey', 'sendgrid', 'shopify', 'github', '1password',
  'database-connection-string', 'filter-comments',
].map((r) => `@secretlint/secretlint-rule-${r}`);

/**
 * A necessary condition for any report of the recommended preset: each alternative is a looser form
 * (case-insensitive, no word boundaries, no trailing checks) of the pattern one of its rules needs
 * before it reports anything. gcp only reads .json/.p12 files (we scan as file.txt) and filter-comments
 * only mutes other rules' reports. Most files match none of them, and then secretlint need not run (or load).
 */
const MAY_HOLD_TOKEN = new RegExp([
  // aws: access key id, secret access key, account id
  String.raw`(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}`,
  String.raw`secret_?access_?key["']?\s*(?::|=>|=)\s*["']?[A-Za-z0-9/+=]{40}`,
  String.raw`account_?(?:id)?["']?\s*(?::|=>|=)\s*["']?[0-9]{4}-?[0-9]{4}-?[0-9]{4}`,
  // npm
  String.raw`:x-oauth-basic@github\.com/`, String.raw`_authToken=`, String.raw`npm_[A-Za-z0-9_]{36}`,
  // slack
  String.raw`(?:xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-`, String.raw`hooks\.slack\.com/services/`,
  // basicauth (user:password@ after http(s)/ftp(s)://) and database-connection-string (mongodb/mysql/postgres with user:password@)
  String.raw`://[^:/\s]{1,256}:[^@/\s]{1,256}@`,
  // openai, anthropic, linear, privatekey, sendgrid, shopify, github, 1password
  String.raw`T3BlbkFJ`, String.raw`sk-ant-api0`, String.raw`lin_api_`, String.raw`PRIVATE KEY`, String.raw`SG\.`,
  String.raw`(?:shppa|shpca|shpat|shpss)_`, String.raw`(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}`, String.raw`github_pat_`, String.raw`ops_ey`,
].join('|'), 'i');

/** False only when no rule of the recommended preset can report anything in the text. */
export function mayHoldToken(text: string): boolean {
  return MAY_HOLD_TOKEN.test(text);
}

/**
 * Finds known secret-token formats (AWS, GitHub, Slack, Stripe, npm, private keys, ...) with
 * secretlint's recommended preset. Returns matches with document ranges; values stay in memory only.
 */
/**
 * What secretlint found, in words a user reads: its English message names it ("found npm access token:
 * …" → "npm access token"); its messageId (`NPM_ACCESS_TOKEN`, `PostgreSQLConnection`) is a library
 * identifier and never reaches a message.
 */
export function tokenName(message: string | undefined, messageId: string | undefined): string {
  const m = message ?? '';
  const colon = m.indexOf(': ');
  if (/^found /i.test(m) && colon > 6) {
    // "GitHub Token(ghp)": the part in parentheses is a sub-type code, not words.
    let named = m.slice(6, colon);
    const paren = named.lastIndexOf('(');
    if (paren > 0 && named.endsWith(')')) named = named.slice(0, paren);
    if (named.trim()) return named.trim();
  }
  if (!messageId) return 'secret token';
  // An identifier only: split it into lower-case words (NPM_ACCESS_TOKEN → "npm access token").
  return messageId.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z])([A-Z][a-z])/g, '$1 $2').toLowerCase().trim() || 'secret token';
}

export async function scanTokens(text: string, source: SourceText): Promise<TokenMatch[]> {
  if (!text || !mayHoldToken(text)) return [];
  const { lintSource, creator } = await loadSecretlint();
  const result = await lintSource({
    source: { filePath: 'file.txt', content: text, contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator as never }] } },
  });
  return result.messages
    .filter((m) => m.ruleId !== '@secretlint/secretlint-rule-filter-comments')
    .map((m) => ({
      range: source.range(m.range[0], m.range[1]),
      typeName: tokenName(m.message, m.messageId),
      ruleId: m.ruleId,
      value: text.slice(m.range[0], m.range[1]),
    }));
}
