import type { ShellCommand, ShellWord } from '../../knowledge/shell';
import { programOf } from '../../knowledge/shell';
import { withArticle } from './locate';
import { isLiteralShellSecret, isSecretName, knownToken, nameTokens, passwordInUrl } from '../../knowledge/secrets';

/** A credential found in shell words: document offsets of the secret itself (or its whole word). */
export interface CredentialHit { start: number; end: number; what: string; secret: string }

const MYSQL_FAMILY = new Set(['mysql', 'mysqladmin', 'mysqldump', 'mysqlimport', 'mysqlshow', 'mysqlcheck', 'mysqlpump', 'mysqlsh', 'mariadb', 'mariadb-dump', 'mariadb-admin', 'mariadb-import']);
/** Tools whose `login` subcommand takes `-p <password>` (everywhere else `-p` is usually a port). */
const LOGIN_TOOLS = new Set(['docker', 'podman', 'nerdctl', 'buildah', 'skopeo', 'helm', 'oras', 'crane', 'regctl', 'az', 'cf', 'heroku']);
/** Flags whose name sounds secret but that take no value or read it from elsewhere. */
const NOT_A_VALUE_FLAG = /^(?:no|with|without|skip|use|ask|prompt|require|show|generate|random|reset|allow|disabled?|enabled?|empty|change|expire|lock)-|(?:stdin|prompt|from-env|env|hash|cert|ca|crt)$/;
/** openssl-style password sources that name where the secret is, not the secret (`env:VAR`, `file:path`). */
const PASS_SOURCE = /^(?:pass|env|file|fd):|^stdin$/;
/** `--secret id=x,src=y` (BuildKit) and similar flags whose value names a secret rather than holding it. */
const SECRET_REFERENCE = /^(?:id|type|src|source|env|target|name|file)=/;
const HEADER = /(?:^|[\s"'=])((?:proxy-)?authorization|x-api-key|api-key|apikey|x-auth-token|private-token|job-token|x-access-token|x-vault-token|x-api-token|x-jfrog-art-api|circle-token|x-registry-auth)\s*:\s*(?:(?:bearer|basic|token|bot|digest|apikey|sso-key|key)\s+)?([^\s"']+)/i;
const NPM_AUTH = /(?:^|[:\s])(?:_authToken|_auth|_password|npmAuthToken|_authtoken)\s*=\s*([^\s"']+)/;
const NETRC_MACHINE = /\bmachine\s+(\S+)/;
const NETRC_PASSWORD = /\bpassword\s+([^\s"']+)/g;
const ENV_ASSIGNMENT = /^([A-Za-z_][\w.-]*)=([\s\S]*)$/;
/** SQL run through a client: `ALTER USER x PASSWORD 'y'`, `IDENTIFIED BY 'y'`. */
const SQL_PASSWORD = /\b(?:IDENTIFIED\s+(?:WITH\s+\w+\s+)?BY|PASSWORD)\s+'([^']+)'/i;
/**
 * Option names that hold a credential. Narrower than secret variable names: `--session-affinity`,
 * `--auth-mode` or `--cookie-domain` are settings, and `--auth user:pass` is handled apart.
 */
const CREDENTIAL_FLAG_TOKENS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'secrets', 'token', 'apikey', 'credential', 'credentials', 'privatekey', 'accesskey', 'secretkey', 'clientsecret', 'requirepass', 'masterauth']);
function isCredentialFlag(flag: string): boolean {
  const t = nameTokens(flag);
  return isSecretName(flag) && !NOT_A_VALUE_FLAG.test(flag)
    && t.some((x, i) => CREDENTIAL_FLAG_TOKENS.has(x) || (x === 'key' && i > 0 && ['api', 'secret', 'access', 'private', 'client', 'master', 'encryption', 'signing'].includes(t[i - 1])));
}

export function credentialsIn(cmds: ShellCommand[], sourceText: string): CredentialHit[] {
  const hits: CredentialHit[] = [];
  const add = (w: ShellWord, secret: string, what: string) => {
    if (!isLiteralShellSecret(secret)) return;
    // The word's raw text still holds the secret verbatim unless it was escaped: then point at the word.
    const raw = sourceText.slice(w.start, w.end);
    const at = raw.indexOf(secret);
    const exact = at >= 0 && raw.indexOf(secret, at + 1) < 0;
    hits.push({ start: exact ? w.start + at : w.start, end: exact ? w.start + at + secret.length : w.end, what, secret });
  };
  cmds.forEach((cmd, i) => checkCommand(cmd, cmd.piped ? cmds[i - 1] : undefined, add));
  return dedupe(hits);
}

type Add = (w: ShellWord, secret: string, what: string) => void;

function checkCommand(cmd: ShellCommand, pipedFrom: ShellCommand | undefined, add: Add): void {
  const p = programOf(cmd);
  const words = cmd.words;
  const first = p ? p.index : words.length;
  for (let i = 0; i < first; i++) assignment(words[i], add);
  for (const w of words) wordLevel(w, add);
  if (!p) return;
  // An args-only list (`args: ["--password=x"]`) runs the image's entrypoint: every word is an argument.
  const argsOnly = words[p.index].text.startsWith('-');
  const prog = argsOnly ? '' : p.name;
  const args = words.slice(argsOnly ? p.index : p.index + 1);
  if (prog === 'export' || prog === 'declare' || prog === 'typeset' || prog === 'readonly') { for (const w of args) assignment(w, add); return; }
  // Arguments like `make DB_PASSWORD=x`, `-e API_KEY=x`, `--set auth.password=x`; lower-case single words
  // (`apt-get install passwd=1:4.8`) are package pins, not variables.
  for (const w of args) if (/^(?:[A-Z_][A-Z0-9_]*|[\w-]+(?:\.[\w-]+)+)=/.test(w.text)) assignment(w, add);
  options(prog, args, add);
  programSpecific(prog, args, add);
  if (pipedFrom && prog === 'debconf-set-selections') debconf(pipedFrom, add);
  if (pipedFrom && readsSecretFromStdin(prog, args)) {
    const src = programOf(pipedFrom);
    if (src && (src.name === 'echo' || src.name === 'printf')) {
      for (const w of pipedFrom.words.slice(src.index + 1)) {
        if (w.text.startsWith('-')) continue;
        const secret = prog === 'chpasswd' ? w.text.split('\n')[0].slice(w.text.indexOf(':') + 1) : w.text.replace(/\\n$/, '');
        if (prog !== 'chpasswd' || w.text.includes(':')) add(w, secret, prog === 'chpasswd' ? 'a user password piped to chpasswd' : `a password piped to ${prog} login`);
      }
    }
  }
}

/** `DB_PASSWORD=x cmd`, `export TOKEN=x`, `docker run -e API_KEY=x`, `helm --set auth.password=x`. */
function assignment(w: ShellWord, add: Add): void {
  const m = ENV_ASSIGNMENT.exec(w.text);
  if (m && isSecretName(m[1])) add(w, m[2].split(',')[0], `variable ${m[1]}`);
}

/**
 * A header value that can be a credential: Basic credentials, or a token with a digit or of token length. A short
 * word (`Authorization: _dremionull`, Dremio's documented first-user bootstrap value) is a fixed constant.
 */
function credentialShaped(value: string): boolean {
  const v = value.trim();
  if (/^basic\s+\S/i.test(v)) return true;
  const token = v.replace(/^(?:bearer|token|apikey|key)\s+/i, '');
  return /\d/.test(token) || token.length >= 16;
}

/** Patterns that are credentials whatever the program: URLs with passwords, auth headers, npm and netrc lines, known tokens. */
function wordLevel(w: ShellWord, add: Add): void {
  const t = w.text;
  // Each test below starts with a character its pattern cannot match without: most shell words skip them all.
  if (t.includes('://')) {
    const url = passwordInUrl(t);
    if (url) add(w, t.slice(url.start, url.end), 'a password in a URL');
  }
  if (t.includes(':')) {
    const h = HEADER.exec(t);
    if (h && credentialShaped(h[2])) add(w, h[2], `an ${/^(proxy-)?authorization$/i.test(h[1]) ? 'Authorization' : h[1]} header`);
  }
  if (t.includes('=')) {
    const npm = NPM_AUTH.exec(t);
    if (npm) add(w, npm[1], 'an npm registry token');
  }
  if (t.includes('password')) {
    const netrc = netrcPassword(t);
    if (netrc) add(w, netrc, 'a .netrc password');
  }
  if (t.includes("'")) {
    const sql = SQL_PASSWORD.exec(t);
    if (sql) add(w, sql[1], 'a password in an SQL statement');
  }
  const tok = knownToken(t);
  if (tok) add(w, tok.value, withArticle(tok.typeName));
  // JVM system properties: `-Dspring.datasource.password=x` (the JDK's default store password `changeit` is public).
  const jvm = t.startsWith('-D') ? /^-D([\w.-]+)=([\s\S]*)$/.exec(t) : null;
  if (jvm && isSecretName(jvm[1]) && jvm[2] !== 'changeit') add(w, jvm[2], `the ${jvm[1]} property`);
}

function flagValue(args: ShellWord[], i: number): ShellWord | undefined {
  const next = args[i + 1];
  return next && !next.text.startsWith('-') ? next : undefined;
}

/** Long options named like secrets (`--password=x`, `--token x`), `*-creds user:pass`, openssl `pass:x`. */
function options(prog: string, args: ShellWord[], add: Add): void {
  args.forEach((w, i) => {
    const long = /^--([A-Za-z][\w-]*)(?:=([\s\S]*))?$/.exec(w.text);
    if (long) {
      const [, flag, attached] = long;
      if (/creds$/.test(flag)) {
        const v = attached ?? flagValue(args, i)?.text;
        const target = attached !== undefined ? w : flagValue(args, i);
        if (v && target && v.includes(':')) add(target, v.slice(v.indexOf(':') + 1), `the --${flag} option`);
        return;
      }
      if (assignmentFlag(flag)) {
        const v = attached !== undefined ? { ...w, text: attached } : flagValue(args, i);
        if (v) assignment(v, add);
        return;
      }
      if (flag === 'auth') {
        const v = attached ?? flagValue(args, i)?.text;
        const target = attached !== undefined ? w : flagValue(args, i);
        if (v && target && v.includes(':')) add(target, v.slice(v.indexOf(':') + 1), 'the --auth option');
        return;
      }
      if (!isCredentialFlag(flag)) return;
      if (attached !== undefined) { if (!SECRET_REFERENCE.test(attached)) add(w, attached, `the --${flag} option`); return; }
      // mysql's `--password` takes no separate value: the next word is the database.
      const v = MYSQL_FAMILY.has(prog) ? undefined : flagValue(args, i);
      if (v && !SECRET_REFERENCE.test(v.text)) add(v, v.text, `the --${flag} option`);
      return;
    }
    if (/^-pass(?:in|out|word)?$/.test(w.text) && args[i + 1]?.text.startsWith('pass:')) { add(args[i + 1], args[i + 1].text.slice(5), `openssl's ${w.text} option`); return; }
    // Single-dash long options (`x11vnc -storepasswd 1234`, `java ... -password x`).
    const single = /^-([A-Za-z][A-Za-z-]{3,})$/.exec(w.text);
    if (single && !MYSQL_FAMILY.has(prog) && isCredentialFlag(single[1])) {
      const v = flagValue(args, i);
      if (v && !PASS_SOURCE.test(v.text) && !SECRET_REFERENCE.test(v.text)) add(v, v.text, `the ${w.text} option`);
    }
  });
}

/** Flags whose values are `NAME=value` assignments (judged by the name, not the flag). */
function assignmentFlag(flag: string): boolean {
  return /^(?:build-arg|env|set|set-string|extra-vars|var|label|from-literal)$/.test(flag);
}

function programSpecific(prog: string, args: ShellWord[], add: Add): void {
  const texts = args.map((a) => a.text);
  if (prog === 'curl') {
    args.forEach((w, i) => {
      let v: ShellWord | undefined; let text: string | undefined;
      if (/^(?:-u|--user|-U|--proxy-user)$/.test(w.text)) { v = args[i + 1]; text = v?.text; }
      else if (/^-u./.test(w.text)) { v = w; text = w.text.slice(2); }
      else if (/^--(?:proxy-)?user=/.test(w.text)) { v = w; text = w.text.slice(w.text.indexOf('=') + 1); }
      if (v && text && text.includes(':')) add(v, text.slice(text.indexOf(':') + 1), 'a curl --user password');
      if (w.text === '--oauth2-bearer' && args[i + 1]) add(args[i + 1], args[i + 1].text, 'a curl --oauth2-bearer token');
    });
  }
  if (MYSQL_FAMILY.has(prog)) {
    for (const w of args) if (/^-p./.test(w.text)) add(w, w.text.slice(2), withArticle(`${prog} -p password`));
  }
  if (prog === 'sshpass') {
    // Options end at the wrapped command (`sshpass -p x ssh -p 22 host`: the second -p is ssh's port).
    for (let i = 0; i < args.length && args[i].text.startsWith('-'); i++) {
      const w = args[i];
      if (w.text === '-p' && args[i + 1]) add(args[i + 1], args[i + 1].text, 'an sshpass -p password');
      else if (/^-p./.test(w.text)) add(w, w.text.slice(2), 'an sshpass -p password');
      if (/^-[pfdP]$/.test(w.text)) i++;
    }
  }
  if (LOGIN_TOOLS.has(prog) && texts.includes('login')) {
    args.forEach((w, i) => {
      if (w.text === '-p' && args[i + 1]) add(args[i + 1], args[i + 1].text, withArticle(`${prog} login password`));
      else if (/^-p./.test(w.text)) add(w, w.text.slice(2), withArticle(`${prog} login password`));
    });
  }
  if ((prog === 'mongo' || prog === 'mongosh') || prog === 'redis-cli') {
    const flag = prog === 'redis-cli' ? '-a' : '-p';
    args.forEach((w, i) => { if (w.text === flag && args[i + 1]) add(args[i + 1], args[i + 1].text, withArticle(`${prog} ${flag} password`)); });
  }
  if (prog === 'vault' && texts[0] === 'login') {
    const tokenWord = args.slice(1).find((a) => !a.text.startsWith('-') && !a.text.includes('='));
    if (tokenWord) add(tokenWord, tokenWord.text, 'a vault login token');
  }
  if (prog === 'keytool') {
    args.forEach((w, i) => {
      // `changeit` is the JDK's published default store password, not a secret of the project.
      if (/^-(?:src|dest)?(?:store|key)pass$/.test(w.text) && args[i + 1] && args[i + 1].text !== 'changeit') add(args[i + 1], args[i + 1].text, `a keytool ${w.text} password`);
    });
  }
  if (prog === 'htpasswd') htpasswd(args, add);
  if ((prog === 'npm' || prog === 'yarn' || prog === 'pnpm') && (texts[0] === 'config' || texts[0] === 'set')) {
    const at = texts.indexOf('set');
    const key = args[at + 1], value = args[at + 2];
    if (at >= 0 && key && value && /(?:_authToken|_auth|_password|npmAuthToken|npmAuthIdent)$/i.test(key.text)) add(value, value.text, 'an npm registry token');
  }
}

/** `htpasswd -b[c] file user password`, `htpasswd -nb user password`. */
function htpasswd(args: ShellWord[], add: Add): void {
  let batch = false, noFile = false;
  const positional: ShellWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    if (/^-[A-Za-z]+$/.test(t)) {
      if (t.includes('b')) batch = true;
      if (t.includes('n')) noFile = true;
      if (/[Cr]$/.test(t)) i++;
      continue;
    }
    positional.push(args[i]);
  }
  const pass = positional[noFile ? 1 : 2];
  if (batch && pass) add(pass, pass.text, 'an htpasswd -b password');
}

/**
 * `machine HOST ... password VALUE` (`/\bmachine\s+\S+[\s\S]*?\bpassword\s+([^\s"']+)/`, whose lazy gap
 * after a greedy host was cubic): the first password after the first machine's host, else one that
 * ends the host word itself (`machine a.password x`). Later machines only see passwords further on.
 */
export function netrcPassword(t: string): string | undefined {
  const machine = NETRC_MACHINE.exec(t);
  if (!machine) return undefined;
  const hostStart = machine.index + machine[0].length - machine[1].length;
  const passwordFrom = (from: number) => { NETRC_PASSWORD.lastIndex = from; return NETRC_PASSWORD.exec(t)?.[1]; };
  return passwordFrom(machine.index + machine[0].length) ?? passwordFrom(hostStart + 1);
}

/** A word that names a debconf password question (`mysql-server/root_password`): `/\/\S*pass/` within one run of non-blanks. */
export function namesPasswordQuestion(text: string): boolean {
  for (const run of text.match(/\S+/g) ?? []) {
    const slash = run.indexOf('/');
    if (slash >= 0 && run.indexOf('pass', slash + 1) > slash) return true;
  }
  return false;
}

/** `QUESTION password VALUE` inside one word, QUESTION naming a password (`/\/\S*pass\S*\s+password\s+(\S+)/`). */
export function debconfAnswer(text: string): string | undefined {
  const answer = /(?<!\S)(\S+)\s+password\s+(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = answer.exec(text))) {
    if (namesPasswordQuestion(m[1])) return m[2];
    answer.lastIndex = m.index + m[1].length;
  }
  return undefined;
}

/** `echo "mysql-server mysql-server/root_password password x" | debconf-set-selections`. */
function debconf(from: ShellCommand, add: Add): void {
  const src = programOf(from);
  if (!src || (src.name !== 'echo' && src.name !== 'printf')) return;
  const words = from.words.slice(src.index + 1);
  const quoted = words.map((w) => ({ w, answer: debconfAnswer(w.text) })).find((x) => x.answer !== undefined);
  if (quoted) { add(quoted.w, quoted.answer!, 'a debconf password'); return; }
  const at = words.findIndex((w, i) => w.text === 'password' && namesPasswordQuestion(words[i - 1]?.text ?? ''));
  if (at >= 0 && words[at + 1]) add(words[at + 1], words[at + 1].text, 'a debconf password');
}

function readsSecretFromStdin(prog: string, args: ShellWord[]): boolean {
  if (prog === 'chpasswd') return true;
  return args.some((a) => a.text === '--password-stdin' || (prog === 'passwd' && a.text === '--stdin'));
}

function dedupe(hits: CredentialHit[]): CredentialHit[] {
  const out: CredentialHit[] = [];
  for (const h of hits.sort((a, b) => a.start - b.start || (b.end - b.start) - (a.end - a.start))) {
    if (out.some((o) => h.start < o.end && o.start < h.end)) continue;
    out.push(h);
  }
  return out;
}
