import { isDynamicText, substitute, TEMPLATE_MARK } from './interpolation';
import { schemeStart, withoutTrailingSlashes } from './text';

/**
 * Which variable names and values are secrets. Name tokens are split on `_`, `-`, `.` and camelCase,
 * so `DB_PASSWORD`, `dbPassword` and `db.password` all read as [db, password]. `session` and `cookie`
 * alone name settings (`SESSION_ENGINE`, `PHP_INI_SESSION`); `SESSION_SECRET`, `SESSION_KEY` and
 * `COOKIE_SECRET` still count through their other token.
 */
const SECRET_TOKENS = new Set([
  'password', 'passwd', 'pwd', 'pw', 'pass', 'passphrase', 'secret', 'secrets', 'token', 'apikey', 'credential', 'credentials',
  'auth', 'privatekey', 'accesskey', 'secretkey', 'clientsecret', 'dsn', 'pat', 'jwt', 'salt', 'pepper',
  'requirepass', 'masterauth',
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
  // Rails' `SECRET_KEY_BASE_DUMMY=1` asks for a throwaway key; sshd's `PasswordAuthentication` is a switch.
  'dummy', 'authentication',
]);
/**
 * Tokens that mean secret only as the name's last word (or before a short qualifier, `DB_PASS_BD`): `REDIS_AUTH`, `SMTP_PASS` hold one, while
 * `AUTH_BACKENDS`, `ETCD_EXTRA_AUTH_FLAGS` and `proxy_pass_request_headers` are settings about one.
 */
const TRAILING_ONLY_TOKENS = new Set(['auth', 'pass', 'pat', 'pwd', 'pw', 'dsn']);
/**
 * Credential words that end a run-together token (`PGPASSWORD`, `DBPASS`, `ROOTPASSWORD`, `ACCESSTOKEN`). Long words
 * end a token after any prefix; short ones (`pass`, `pwd`, `pw`, `token`, `secret`) only after a known owner, since
 * `BYPASS`, `COMPASS`, `OLDPWD` and `CSRFTOKEN` end the same way.
 */
const RUN_TOGETHER_ANY_PREFIX = ['password', 'passwd', 'passphrase', 'apikey', 'accesskey', 'secretkey', 'clientsecret', 'privatekey'];
const RUN_TOGETHER_SHORT = ['pass', 'pwd', 'pw', 'token', 'secret'];
const CREDENTIAL_OWNERS = new Set([
  'db', 'admin', 'root', 'user', 'mysql', 'pg', 'postgres', 'redis', 'smtp', 'mail', 'email', 'ldap', 'ftp', 'sftp', 'mongo', 'rabbit', 'rabbitmq', 'sql',
  'master', 'app', 'api', 'web', 'bind', 'proxy', 'http', 'basic', 'auth', 'access', 'bot', 'bearer', 'refresh', 'session', 'github', 'gh', 'gitlab', 'npm',
  'slack', 'discord', 'telegram', 'personal', 'client', 'jwt', 'cookie', 'shared', 'webhook', 'signing', 'oauth', 'registry', 'docker', 'keystore', 'truststore',
]);
/** The credential word a token is or ends with (`dbpassword` → `password`), or the token itself. */
function credentialWord(token: string): string {
  if (SECRET_TOKENS.has(token)) return token;
  for (const w of RUN_TOGETHER_ANY_PREFIX) if (token.length > w.length && token.endsWith(w)) return w;
  for (const w of RUN_TOGETHER_SHORT) if (token.length > w.length && token.endsWith(w) && CREDENTIAL_OWNERS.has(token.slice(0, -w.length))) return w;
  return token;
}
/** Units after a harmless word (`TOKEN_TTL_SECONDS`, `SESSION_TOKEN_LIFETIME_MINUTES`): the word before decides. */
const UNIT_TOKENS = new Set(['s', 'sec', 'secs', 'second', 'seconds', 'ms', 'millis', 'milliseconds', 'm', 'min', 'mins', 'minute', 'minutes', 'h', 'hour', 'hours', 'd', 'day', 'days', 'bytes', 'kb', 'mb', 'chars', 'characters']);
/** Words that make the name a switch about a secret (`MYSQL_ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`). */
const SWITCH_TOKENS = new Set(['allow', 'empty', 'random', 'generate', 'skip', 'use', 'require', 'disable', 'enable', 'no']);
/** `imagePullSecrets`, `PULL_SECRET`: names of Secret objects, not their contents. */
const REFERENCE_PREFIX = new Set(['pull']);
const HARMLESS_VALUES = new Set(['', 'true', 'false', 'yes', 'no', 'on', 'off', 'none', 'null', 'nil', 'undefined', 'disabled', 'enabled', 'required', 'optional', 'trust', 'md5', 'scram-sha-256', 'plain', 'basic', 'bearer', 'oauth', 'oauth2', 'oidc', 'jwt', 'ldap', 'local', 'default', 'random', 'auto', '*', '-',
  // Words that say no value is set (mailcow's `API_KEY=${API_KEY:-invalid}`).
  'invalid', 'unset', 'notset', 'empty',
  // Mechanisms a `*_AUTH` setting names (`SMTP_AUTH=login`).
  'login', 'cram-md5', 'digest-md5', 'ntlm', 'kerberos', 'gssapi', 'xoauth2', 'tls', 'starttls', 'ssl']);

export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .map((t) => t.toLowerCase())
    .filter(Boolean);
}

/** The name says it holds a secret (and not a path, length, switch or user name about one). */
export function isSecretName(name: string): boolean {
  const t = nameTokens(name).map(credentialWord);
  while (t.length > 1 && UNIT_TOKENS.has(t[t.length - 1])) t.pop();
  // The shell's working directory, not a password.
  if (!t.length || (t.length === 1 && t[0] === 'pwd')) return false;
  // `NEXT_PUBLIC_API_KEY`, `VAPID_PUBLIC_KEY`: public by design (Next.js inlines NEXT_PUBLIC_* into the browser bundle).
  if (HARMLESS_SUFFIX.has(t[t.length - 1]) || t.some((x) => SWITCH_TOKENS.has(x) || x === 'public')) return false;
  for (let i = 0; i < t.length; i++) {
    // A short qualifier after it (`DB_PASS_BD`, `DB_PASS_2`) keeps it the name's subject.
    if (TRAILING_ONLY_TOKENS.has(t[i]) && t.slice(i + 1).some((x) => x.length > 2 && !/^\d+$/.test(x))) continue;
    if ((t[i] === 'secret' || t[i] === 'secrets') && i > 0 && REFERENCE_PREFIX.has(t[i - 1])) continue;
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
  // One character is a switch or a count (`SECRET_KEY_BASE_DUMMY=1`), never a credential.
  if (HARMLESS_VALUES.has(v.toLowerCase()) || v.length < 2) return false;
  if (isDynamicText(v) || isPlaceholderSecret(v)) return false;
  if (v.startsWith('/run/secrets/') || v.startsWith('/var/run/secrets/') || v.startsWith('/etc/secrets/')) return false;
  if (/^(?:\/|\.\/|~\/)[\w./-]*$/.test(v)) return false; // a file path, not a value
  return true;
}

/**
 * What a value with `${NAME:-fallback}` / `${NAME-fallback}` becomes when its variables are unset (Compose
 * `.env` and Dockerfile build args left out), or undefined when a variable has no fallback or the value is
 * a template. With `dollarEscape` (Compose) `$$` is a literal `$`.
 */
export function fallbackValue(value: string, dollarEscape: boolean): string | undefined {
  if (!value.includes('${') || value.includes(TEMPLATE_MARK) || value.includes('{{')) return undefined;
  const resolved = substitute(value, new Map(), dollarEscape);
  if (resolved === undefined || resolved.includes('$')) return undefined;
  // `- SENTRY_DSN="${DSN:-0}"` in a Compose list keeps the quotes in the value: they are not the fallback's.
  return /^(["'])[^"']*\1$/.test(resolved.trim()) ? resolved.trim().slice(1, -1) : resolved;
}

/** `scheme://user:password@host`: returns the password's offsets in the value when it is a literal. */
export function passwordInUrl(value: string): { start: number; end: number } | undefined {
  // `([a-z][a-z0-9+.-]*):\/\/([^:@\/\s]*):([^@\/\s]+)@/i`, found from `://` back to its scheme: the
  // regular expression retried its scheme from every letter of a long word that had no `://`.
  const credentials = /:\/\/[^:@\/\s]*:([^@\/\s]+)@/g;
  let m: RegExpExecArray | null;
  while ((m = credentials.exec(value))) {
    if (schemeStart(value, m.index, false) < 0) { credentials.lastIndex = m.index + 1; continue; }
    const pass = m[1];
    if (!isLiteralSecretValue(pass) || pass === '*' || /^\*+$/.test(pass) || /^x+$/i.test(pass)) return undefined;
    const start = m.index + m[0].length - 1 - pass.length;
    return { start, end: start + pass.length };
  }
  return undefined;
}

/** Shows at most a few leading characters of a secret: never the value itself. */
export function maskSecret(value: string): string {
  const shown = Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, shown)}****`;
}

/** A value that only marks where a secret goes (`<password>`, `REPLACE_ME`, `xxxx`, `{.jsonpath}`), not a secret. */
export function isPlaceholderSecret(value: string): boolean {
  const v = value.trim();
  return /^<[^<>]*>$/.test(v) || /^\{\.?[^{}]*\}$/.test(v) || /^(?:x+|\*+|\.+|#+|_+)$/i.test(v)
    || /^(?:replace[_-]?me|change[_-]?this|to[_-]?do|fixme|tbd|placeholder)$/i.test(v) || /^%[sv]$/.test(v)
    // A throwaway value a build step or local emulator needs (`SECRET_KEY=build-time-dummy`, localstack's `dummy`).
    || /(?:^|[^a-z])(?:dummy|not[-_]?a[-_]?secret|placeholder)(?:$|[^a-z])/i.test(v)
    // The kind of value, in capitals, where the value goes (`COOKIE_SECRET: SECRET`, `PASSWORD`).
    || /^(?:SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|KEY|CHANGEME|CHANGE_ME)$/.test(v)
    // Vendors mark documentation keys (AWS's AKIAIOSFODNN7EXAMPLE) in capitals.
    || /EXAMPLE/.test(v);
}

/**
 * A literal secret inside shell text: besides `isLiteralSecretValue`, any `$` or backtick means the
 * shell supplies the value at run time (`$(cat /run/secrets/x)`, `$$VAR` in Compose, `$(VAR)` in Kubernetes).
 */
export function isLiteralShellSecret(value: string | undefined): boolean {
  if (value === undefined || /[$`\uE000]/.test(value) || value.includes('{{')) return false;
  return isLiteralSecretValue(value) && !isPlaceholderSecret(value);
}

/**
 * Public token formats secretlint's recommended preset does not cover (or covers only with a partner
 * value, like AWS key ids), from the vendors' documented prefixes. Documentation examples are skipped.
 */
interface TokenHit { index: number; text: string }

/** The first match at or after `from` (from 0: the first in the text). */
function firstMatch(re: RegExp): (text: string, from?: number) => TokenHit | undefined {
  const global = new RegExp(re.source, `${re.flags}g`);
  return (text, from = 0) => { global.lastIndex = from; const m = global.exec(text); return m ? { index: m.index, text: m[0] } : undefined; };
}

/** Three dot-separated runs of base64url characters, each run read from its start only. */
const TOKEN_SHAPE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

/**
 * `(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`: that expression tried
 * every `eyJ` of a long `eyJ_eyJ_...` run and read the run to its end each time.
 */
function jsonWebToken(text: string, from = 0): TokenHit | undefined {
  // Read from the start of the run `from` falls in (callers resume after a token, where no run continues).
  let runStart = from;
  while (runStart > 0 && /[A-Za-z0-9_-]/.test(text[runStart - 1])) runStart--;
  TOKEN_SHAPE.lastIndex = runStart;
  let m: RegExpExecArray | null;
  while ((m = TOKEN_SHAPE.exec(text))) {
    const header = m[0].slice(0, m[0].indexOf('.'));
    for (let p = header.indexOf('eyJ'); p >= 0 && p + 11 <= header.length; p = header.indexOf('eyJ', p + 1)) {
      if (m.index + p >= from && (p === 0 || header[p - 1] === '_' || header[p - 1] === '-')) return { index: m.index + p, text: m[0].slice(p) };
    }
    TOKEN_SHAPE.lastIndex = m.index + header.length + 1;
  }
  return undefined;
}

export const TOKEN_FORMATS: readonly { typeName: string; find: (text: string, from?: number) => TokenHit | undefined }[] = [
  { typeName: 'live secret API key', find: firstMatch(/(?<![A-Za-z0-9])[sr]k_live_[0-9A-Za-z]{20,}/) },
  { typeName: 'Square access token', find: firstMatch(/(?<![A-Za-z0-9])sq0atp-[0-9A-Za-z_-]{22,}/) },
  { typeName: 'Square OAuth secret', find: firstMatch(/(?<![A-Za-z0-9])sq0csp-[0-9A-Za-z_-]{40,}/) },
  { typeName: 'Amazon MWS auth token', find: firstMatch(/amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) },
  { typeName: 'MailChimp API key', find: firstMatch(/(?<![A-Za-z0-9])[0-9a-f]{32}-us[0-9]{1,2}(?![0-9])/) },
  { typeName: 'SendGrid API key', find: firstMatch(/(?<![A-Za-z0-9])SG\.[\w-]{16,32}\.[\w-]{30,64}/) },
  { typeName: 'Google OAuth access token', find: firstMatch(/(?<![A-Za-z0-9])ya29\.[0-9A-Za-z_-]{20,}/) },
  { typeName: 'Google API key', find: firstMatch(/(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}/) },
  { typeName: 'Facebook access token', find: firstMatch(/(?<![A-Za-z0-9])EAACEdEose0cBA[0-9A-Za-z]+/) },
  { typeName: 'AWS access key id', find: firstMatch(/(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])/) },
  { typeName: 'GitHub token', find: firstMatch(/(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})/) },
  { typeName: 'GitLab token', find: firstMatch(/(?<![A-Za-z0-9])glpat-[0-9A-Za-z_-]{20,}/) },
  { typeName: 'Slack token', find: firstMatch(/(?<![A-Za-z0-9])xox[abposr]-[0-9A-Za-z-]{10,}/) },
  { typeName: 'JSON Web Token', find: jsonWebToken },
  { typeName: 'private key', find: firstMatch(/-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/) },
];

/**
 * Literal text every format above contains (and the shortest match, Slack's, is 15 characters): a text
 * without any of them holds no known token, so most texts skip the twenty patterns.
 */
const TOKEN_ANCHORS = /k_live_|sq0atp-|sq0csp-|amzn\.mws\.|-us[0-9]|SG\.|ya29\.|AIza|EAACEdEose0cBA|AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|eyJ|-----BEGIN /;
const SHORTEST_TOKEN = 15;

/** Cheap test before the patterns: false means the text holds no known token. */
export function mayHoldKnownToken(text: string): boolean {
  return text.length >= SHORTEST_TOKEN && TOKEN_ANCHORS.test(text);
}

/** The first known token format in a text, with its offsets; used beside secretlint's matches. */
export function knownToken(text: string): { start: number; end: number; typeName: string; value: string } | undefined {
  if (!mayHoldKnownToken(text)) return undefined;
  let best: { start: number; end: number; typeName: string; value: string } | undefined;
  for (const f of TOKEN_FORMATS) {
    const m = f.find(text);
    if (!m || /EXAMPLE/.test(m.text) || (best && best.start <= m.index)) continue;
    best = { start: m.index, end: m.index + m.text.length, typeName: f.typeName, value: m.text };
  }
  return best;
}

/**
 * A field of a Secret or kubeconfig that is not itself secret: user names, hosts, ports, public
 * certificates (`ca.crt`, `tls.crt`, `certificate-authority-data`). Its neighbours are reported instead.
 */
export function isPublicSecretField(key: string): boolean {
  // `username_in`, `user2`: direction and index suffixes do not change what the field holds.
  const t = nameTokens(key).filter((x, i, all) => i === 0 || !(/^\d+$/.test(x) || ((x === 'in' || x === 'out') && i === all.length - 1)));
  if (!t.length) return false;
  if (t.some((x) => x === 'key' || x === 'private' || x === 'privatekey')) return false;
  if (t.some((x) => x === 'crt' || x === 'cert' || x === 'certificate' || x === 'pub' || x === 'ca')) return true;
  const last = t[t.length - 1];
  if (HARMLESS_SUFFIX.has(last) || ['login', 'email', 'address', 'hostname', 'database', 'db', 'region', 'account'].includes(last)) return true;
  // Run-together names (`azurestorageaccountname`) by their ending.
  return /(?:name|user|login|email|host|address|port|endpoint|url|uri|region)$/.test(last) && !/pass|secret|token|key|auth/.test(last);
}

/** Secret files by base name (lower-cased); the value says what the file is, for messages. */
const SECRET_FILE_NAMES = new Map<string, string>([
  ['.env', 'an environment file'], ['id_rsa', 'an SSH private key'], ['id_dsa', 'an SSH private key'], ['id_ecdsa', 'an SSH private key'],
  ['id_ed25519', 'an SSH private key'], ['.npmrc', 'an npm config with registry tokens'], ['.pypirc', 'a PyPI config with upload credentials'],
  ['.netrc', 'a .netrc with login passwords'], ['_netrc', 'a .netrc with login passwords'], ['.git-credentials', 'stored git credentials'],
  ['credentials.json', 'a credentials file'], ['kubeconfig', 'a kubeconfig with cluster credentials'], ['.htpasswd', 'a password file'],
  ['.ssh', 'an SSH directory with private keys'], ['.aws', 'an AWS credentials directory'], ['.gnupg', 'a GnuPG keyring'], ['.kube', 'a kubeconfig directory'],
]);
const SAMPLE_SUFFIX = /\.(?:example|sample|template|tmpl|tpl|dist|defaults?|schema)$/i;
/** Base names of key files that are public by convention (apt/yum signing keys, CA bundles). */
const PUBLIC_KEY_HINT = /gpg|pgp|pub|dhparam|ffdhe|(?:^|[._-])dh\d*(?:[._-]|$)|signing|release|archive|keyring|apt|repo|(?:^|[._-])ca(?:[._-]|$)|cert|chain|bundle|trust/i;
const PUBLIC_KEY_DIR = /(?:^|\/)(?:certs?|ca-certificates|ca|trusted|keyrings?|apt|gpg|trust|anchors)\//;

/**
 * What secret file a path (or glob) names, or undefined. `.env.example` and friends are samples;
 * `*.pem`/`*.key` named like public signing keys or CA bundles are left alone.
 */
export function secretFileKind(path: string): string | undefined {
  const p = withoutTrailingSlashes(path.replace(/\\/g, '/'));
  const lower = p.toLowerCase();
  const base = lower.slice(lower.lastIndexOf('/') + 1);
  if (!base || SAMPLE_SUFFIX.test(base)) return undefined;
  if (/(?:^|\/)\.aws\/credentials$/.test(lower)) return 'AWS credentials';
  if (/(?:^|\/)\.docker\/config\.json$/.test(lower)) return 'Docker registry credentials';
  if (/(?:^|\/)\.kube\/config$/.test(lower)) return 'a kubeconfig with cluster credentials';
  const named = SECRET_FILE_NAMES.get(base);
  if (named) return named;
  if (/^\.env(?:\.[\w-]+|\*)$/.test(base)) return 'an environment file';
  if (/\.kubeconfig$/.test(base)) return 'a kubeconfig with cluster credentials';
  const ext = /\.(pem|key|p12|pfx)$/.exec(base)?.[1];
  if (!ext) return undefined;
  const what = ext === 'p12' || ext === 'pfx' ? 'a PKCS#12 key store' : 'a private key';
  if (/priv|secret/.test(lower)) return what;
  if (ext === 'pem' && /key/.test(base) && !/pub|gpg|pgp|signing/.test(base)) return what;
  if (!PUBLIC_KEY_HINT.test(base) && !PUBLIC_KEY_DIR.test(lower)) return what;
  return undefined;
}

/**
 * Environment switches of the official and Bitnami database images that start the server without
 * authentication (facts of their entrypoints). Returns what the switch does, or undefined.
 */
export function authDisabledBy(name: string, value: string): string | undefined {
  const v = value.trim().replace(/^["']|["']$/g, '').toLowerCase();
  switch (name) {
    case 'POSTGRES_HOST_AUTH_METHOD': return v === 'trust' ? 'PostgreSQL accepts every connection without a password (`trust`)' : undefined;
    // The entrypoints test for a non-empty value, but a root password set beside `no` still wins: judge only clear yeses.
    case 'MYSQL_ALLOW_EMPTY_PASSWORD': case 'MARIADB_ALLOW_EMPTY_ROOT_PASSWORD': case 'MARIADB_ALLOW_EMPTY_PASSWORD':
      return /^(?:yes|true|1|on)$/.test(v) ? 'the database root account has an empty password' : undefined;
    // Bitnami images: only `yes` switches the password requirement off.
    case 'ALLOW_EMPTY_PASSWORD': return v === 'yes' ? 'the server starts without a password (Bitnami `ALLOW_EMPTY_PASSWORD=yes`)' : undefined;
    default: return undefined;
  }
}

/** Values a setting takes that no credential looks like: switches, protocols, numbers with a unit, host names, IPs, URLs without a password. */
const SETTING_SCHEMES = /^(?:https?|tcp|udp|grpcs?|wss?|h2c?|amqps?|mqtts?|smtps?|ldaps?|rediss?|postgres(?:ql)?|mysql|mongodb(?:\+srv)?|nats|kafka|s3|file)$/i;

/**
 * A value that reads as plain configuration whatever it is stored in (a Secret used as an app's whole env also
 * holds `N8N_PROTOCOL: http`). Only for names that do not say secret: `PASSWORD: 5678` stays a secret.
 */
export function isSettingValue(value: string): boolean {
  const v = value.trim();
  if (HARMLESS_VALUES.has(v.toLowerCase()) || SETTING_SCHEMES.test(v)) return true;
  // 5678, 1.5, 30s, 512Mi, 10GB: a number with at most a short unit (long digit strings may be PINs or tokens).
  if (/^\d{1,6}(?:\.\d+)?(?:[a-z]{1,2}|[KMGTP]i?B?)?$/i.test(v)) return true;
  if (/^(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?$/.test(v)) return true;
  // Host names with a dotted domain (n8n.example.com), lower case as DNS names are written; label by label.
  const labels = v.replace(/:\d{1,5}$/, '').split('.');
  if (labels.length >= 2 && labels.every((l) => /^[a-z0-9-]+$/.test(l)) && /^[a-z]{2,}$/.test(labels[labels.length - 1])) return true;
  return /^[a-z][a-z0-9+.-]*:\/\/[^\s@]+$/i.test(v) && !passwordInUrl(v);
}
