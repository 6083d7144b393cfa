import { isDynamicText } from './interpolation';

/**
 * Which variable names and values are secrets. Name tokens are split on `_`, `-`, `.` and camelCase,
 * so `DB_PASSWORD`, `dbPassword` and `db.password` all read as [db, password].
 */
const SECRET_TOKENS = new Set([
  'password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'secrets', 'token', 'apikey', 'credential', 'credentials',
  'auth', 'privatekey', 'accesskey', 'secretkey', 'clientsecret', 'dsn', 'pat', 'jwt', 'cookie', 'session', 'salt', 'pepper',
]);
/** `*_KEY` is only secret when qualified (API_KEY, SECRET_KEY, ...), never alone (`SORT_KEY`, `KEY`). */
const KEY_QUALIFIERS = new Set(['api', 'secret', 'access', 'private', 'encryption', 'signing', 'master', 'client', 'license', 'app', 'auth', 'service', 'account', 'session', 'jwt', 'hmac', 'crypt', 'cipher', 'stripe', 'sendgrid', 'mailgun', 'twilio']);
/** A trailing token that turns a secret-sounding name into a harmless setting (`PASSWORD_FILE`, `TOKEN_TTL`). */
const HARMLESS_SUFFIX = new Set([
  'file', 'path', 'dir', 'directory', 'location', 'ttl', 'length', 'len', 'rounds', 'iterations', 'expiry', 'expires', 'expiration',
  'timeout', 'lifetime', 'age', 'version', 'public', 'size', 'enabled', 'enable', 'disabled', 'required', 'min', 'max', 'count',
  'type', 'algorithm', 'algo', 'header', 'field', 'prefix', 'sock', 'socket', 'method', 'mode', 'strategy', 'provider', 'mechanism',
  'backend', 'driver', 'plugin', 'source', 'name', 'user', 'username', 'id', 'host', 'port', 'url', 'uri', 'endpoint', 'policy',
  'rotation', 'interval', 'format', 'encoding', 'store', 'ref', 'env', 'var', 'level', 'scope', 'realm', 'issuer', 'audience',
  'cache', 'limit', 'retries', 'attempts', 'complexity', 'strength', 'hint', 'reset', 'change', 'domain', 'samesite', 'secure', 'httponly',
]);
const HARMLESS_VALUES = new Set(['', 'true', 'false', 'yes', 'no', 'on', 'off', 'none', 'null', 'nil', 'undefined', 'disabled', 'enabled', 'required', 'optional', 'trust', 'md5', 'scram-sha-256', 'plain', 'basic', 'bearer', 'oauth', 'oauth2', 'oidc', 'jwt', 'ldap', 'local', 'default', 'random', 'auto', '*', '-']);

export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .map((t) => t.toLowerCase())
    .filter(Boolean);
}

/** The name says it holds a secret (and not a path, length, switch or user name about one). */
export function isSecretName(name: string): boolean {
  const t = nameTokens(name);
  if (!t.length) return false;
  if (HARMLESS_SUFFIX.has(t[t.length - 1])) return false;
  for (let i = 0; i < t.length; i++) {
    if (SECRET_TOKENS.has(t[i])) return true;
    if ((t[i] === 'key' || t[i] === 'keys') && i > 0 && KEY_QUALIFIERS.has(t[i - 1])) return true;
    if (t[i] === 'key' && i > 0 && t[i - 1] === 'private') return true;
    if (i > 0 && t[i - 1] === 'api' && t[i] === 'key') return true;
  }
  return false;
}

/** The value could be a secret literal: not empty, not a reference, not a path to a secret file, not a switch. */
export function isLiteralSecretValue(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim();
  if (HARMLESS_VALUES.has(v.toLowerCase())) return false;
  if (isDynamicText(v)) return false;
  if (v.startsWith('/run/secrets/') || v.startsWith('/var/run/secrets/') || v.startsWith('/etc/secrets/')) return false;
  if (/^(?:\/|\.\/|~\/)[\w./-]*$/.test(v)) return false; // a file path, not a value
  return true;
}

/** `scheme://user:password@host`: returns the password's offsets in the value when it is a literal. */
export function passwordInUrl(value: string): { start: number; end: number } | undefined {
  const m = /([a-z][a-z0-9+.-]*):\/\/([^:@\/\s]*):([^@\/\s]+)@/i.exec(value);
  if (!m) return undefined;
  const pass = m[3];
  if (!isLiteralSecretValue(pass) || pass === '*' || /^\*+$/.test(pass) || /^x+$/i.test(pass)) return undefined;
  const start = m.index + m[1].length + 3 + m[2].length + 1;
  return { start, end: start + pass.length };
}

/** Shows at most a few leading characters of a secret: never the value itself. */
export function maskSecret(value: string): string {
  const shown = Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, shown)}****`;
}
