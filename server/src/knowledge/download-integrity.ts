import type { ShellCommand, ShellWord } from './shell';
import { programOf } from './shell';

/**
 * Switches that turn off TLS or signature verification of what a build or container downloads.
 * Facts only (flags, config keys, environment variables); the rule words the finding.
 */
export interface VerificationOff { from: ShellWord; to: ShellWord; what: string }

/** curl's short options that take an argument: in a cluster (`-fsSLo`) the rest of the cluster is that argument. */
const CURL_SHORT_WITH_ARG = new Set('AbcCdDeEFhHKmoPQrtTuUwxXyYz'.split(''));

function curlInsecure(w: string): boolean {
  if (w === '--insecure' || w === '-k') return true;
  if (!/^-[A-Za-z0-9#:]+$/.test(w)) return false;
  for (const c of w.slice(1)) {
    if (c === 'k') return true;
    if (CURL_SHORT_WITH_ARG.has(c)) return false;
  }
  return false;
}

const LOCAL_URL = /^(?:https?:\/\/)?(?:localhost|127\.0\.0\.1|\[::1\])(?:[:/]|$)/;

/** curl options that send a request body: the command calls an API (it uploads or posts), it downloads nothing to run. */
const CURL_BODY = /^(?:-d|-F|-T|--data(?:-[a-z]+)?|--form(?:-string)?|--json|--upload-file)(?:=|$)/;

/** A curl call that sends data or uses a method other than GET/HEAD: an API request, not a download. */
function curlSendsRequest(args: readonly ShellWord[]): boolean {
  return args.some((a, i) => {
    if (CURL_BODY.test(a.text)) return true;
    const method = a.text === '-X' || a.text === '--request' ? args[i + 1]?.text : /^(?:-X|--request=)(.+)$/.exec(a.text)?.[1];
    return method !== undefined && !/^["']?(?:GET|HEAD)["']?$/i.test(method);
  });
}

const falsy = (v: string) => /^(?:false|0|no|off)$/i.test(v.replace(/^["']|["']$/g, ''));
const truthy = (v: string) => /^(?:true|1|yes|on)$/i.test(v.replace(/^["']|["']$/g, ''));

/** `key=value` or `key value` configuration pairs that switch verification off, by lower-cased key. */
const CONFIG_KEYS: Record<string, { off: (v: string) => boolean; what: string }> = {
  'strict-ssl': { off: falsy, what: 'npm/yarn TLS verification (`strict-ssl false`)' },
  'http.sslverify': { off: falsy, what: 'git TLS verification (`http.sslVerify false`)' },
  'sslverify': { off: falsy, what: 'repository TLS verification (`sslverify=0`)' },
  'gpgcheck': { off: falsy, what: 'package signature checks (`gpgcheck=0`)' },
  'repo_gpgcheck': { off: falsy, what: 'repository signature checks (`repo_gpgcheck=0`)' },
  'apt::get::allowunauthenticated': { off: truthy, what: 'apt signature checks (`APT::Get::AllowUnauthenticated`)' },
  'acquire::allowinsecurerepositories': { off: truthy, what: 'apt repository signature checks (`Acquire::AllowInsecureRepositories`)' },
  'acquire::https::verify-peer': { off: falsy, what: 'apt TLS verification (`Acquire::https::Verify-Peer false`)' },
  'global.trusted-host': { off: () => true, what: 'pip TLS verification for a host (`trusted-host`)' },
};

/** Flags of package managers and downloaders that switch verification off, by program. */
const FLAGS: Record<string, Record<string, string>> = {
  wget: { '--no-check-certificate': 'TLS certificate checks (`--no-check-certificate`)' },
  pip: { '--trusted-host': 'TLS verification for a host (`--trusted-host`)' },
  'apt-get': {
    '--allow-unauthenticated': 'package signature checks (`--allow-unauthenticated`)',
    '--allow-insecure-repositories': 'repository signature checks (`--allow-insecure-repositories`)',
    '--force-yes': 'signature checks among other safeguards (`--force-yes`)',
  },
  yum: { '--nogpgcheck': 'package signature checks (`--nogpgcheck`)' },
  zypper: { '--no-gpg-checks': 'package signature checks (`--no-gpg-checks`)' },
  apk: { '--allow-untrusted': 'package signature checks (`--allow-untrusted`)' },
  rpm: { '--nosignature': 'package signature checks (`--nosignature`)', '--nodigest': 'package digest checks (`--nodigest`)' },
  npm: { '--strict-ssl=false': 'TLS verification (`--strict-ssl=false`)', '--no-strict-ssl': 'TLS verification (`--no-strict-ssl`)' },
};
const ALIASES: Record<string, string> = {
  pip3: 'pip', apt: 'apt-get', aptitude: 'apt-get', dnf: 'yum', microdnf: 'yum', tdnf: 'yum', yarn: 'npm', pnpm: 'npm',
};

function familyOf(name: string): string {
  if (/^pip[0-9.]*$/.test(name)) return 'pip';
  return ALIASES[name] ?? name;
}

/** `-o Key=value` / `--setopt=key=value` / `-c key=value` / `config set key value` pairs of a command. */
function configPairs(words: ShellWord[]): { key: string; value: string; from: ShellWord; to: ShellWord }[] {
  const out: { key: string; value: string; from: ShellWord; to: ShellWord }[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i].text;
    let pair: string | undefined; let to = words[i];
    if ((w === '-o' || w === '-c' || w === '--setopt' || w === '--config') && words[i + 1]) { pair = words[i + 1].text; to = words[i + 1]; }
    else if (w.startsWith('--setopt=')) pair = w.slice('--setopt='.length);
    else if (/^-o[A-Za-z]/.test(w)) pair = w.slice(2);
    else if ((w === 'set' || w === '--global' || w === '--system') && words[i + 1] && words[i + 2] && CONFIG_KEYS[words[i + 1].text.toLowerCase()]) {
      out.push({ key: words[i + 1].text.toLowerCase(), value: words[i + 2].text, from: words[i], to: words[i + 2] });
      continue;
    }
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq > 0) out.push({ key: pair.slice(0, eq).toLowerCase().replace(/^[a-z0-9_-]+\.(?=(?:sslverify|gpgcheck|repo_gpgcheck)$)/, ''), value: pair.slice(eq + 1), from: words[i], to });
  }
  return out;
}

/** What one command switches off (one entry per switch). */
export function verificationOffIn(cmd: ShellCommand): VerificationOff[] {
  const p = programOf(cmd);
  const out: VerificationOff[] = [];
  // Assignments before the program (`NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci`).
  for (const w of cmd.words.slice(0, p?.index ?? cmd.words.length)) {
    const eq = w.text.indexOf('=');
    if (eq <= 0) continue;
    const what = environmentVerificationOff(w.text.slice(0, eq), w.text.slice(eq + 1));
    if (what) out.push({ from: w, to: w, what });
  }
  if (!p) return out;
  const name = p.name === 'python' || /^python[0-9.]*$/.test(p.name) ? (cmd.words[p.index + 2]?.text === 'pip' && cmd.words[p.index + 1]?.text === '-m' ? 'pip' : p.name) : p.name;
  const family = familyOf(name);
  const args = cmd.words.slice(p.index + 1);
  // A request to the container itself (a health check of its own self-signed endpoint) downloads nothing.
  const local = (family === 'curl' || family === 'wget') && args.some((a) => LOCAL_URL.test(a.text));
  if (family === 'curl' && !local && !curlSendsRequest(args)) {
    for (const a of args) if (curlInsecure(a.text)) out.push({ from: a, to: a, what: 'TLS certificate checks (`curl -k`/`--insecure`)' });
  }
  const flags = local ? undefined : FLAGS[family];
  if (flags) {
    for (const a of args) {
      const flag = a.text.includes('=') && !a.text.startsWith('--strict-ssl') ? a.text.slice(0, a.text.indexOf('=')) : a.text;
      if (flags[flag]) out.push({ from: a, to: a, what: flags[flag] });
    }
  }
  if (family === 'npm' || family === 'git' || family === 'yum' || family === 'apt-get' || family === 'pip' || family === 'zypper') {
    for (const c of configPairs(args)) {
      const k = CONFIG_KEYS[c.key];
      if (k?.off(c.value)) out.push({ from: c.from, to: c.to, what: k.what });
    }
  }
  return out;
}

/**
 * An environment variable that switches verification off for every download of the process
 * (`NODE_TLS_REJECT_UNAUTHORIZED=0`, `GIT_SSL_NO_VERIFY=1`, `PIP_TRUSTED_HOST=...`), or undefined.
 */
export function environmentVerificationOff(name: string, value: string): string | undefined {
  const v = value.trim().replace(/^["']|["']$/g, '');
  switch (name) {
    case 'NODE_TLS_REJECT_UNAUTHORIZED': return v === '0' ? "Node.js TLS verification (`NODE_TLS_REJECT_UNAUTHORIZED=0`)" : undefined;
    case 'GIT_SSL_NO_VERIFY': return v !== '' && !falsy(v) ? 'git TLS verification (`GIT_SSL_NO_VERIFY`)' : undefined;
    case 'PIP_TRUSTED_HOST': return v !== '' ? 'pip TLS verification for a host (`PIP_TRUSTED_HOST`)' : undefined;
    case 'NPM_CONFIG_STRICT_SSL': case 'npm_config_strict_ssl': case 'YARN_STRICT_SSL': return falsy(v) ? 'npm TLS verification (`strict-ssl=false`)' : undefined;
    case 'PYTHONHTTPSVERIFY': return v === '0' ? 'Python TLS verification (`PYTHONHTTPSVERIFY=0`)' : undefined;
    default: return undefined;
  }
}

/** APT source lines that trust a repository without its signature (`deb [trusted=yes] http://...`). */
export function trustedRepositoryIn(text: string): number {
  for (let at = text.indexOf('trusted=yes'); at >= 0; at = text.indexOf('trusted=yes', at + 1)) {
    const open = text.lastIndexOf('[', at), close = text.lastIndexOf(']', at), line = text.lastIndexOf('\n', at);
    if (open > close && open > line && /[\s\[,]/.test(text[at - 1])) return at;
  }
  return -1;
}
