import type { Scalar } from 'yaml';
import { defineRule, RuleContext } from '../../engine/rule';
import type { KubeObject } from '../../model/kubernetes';
import type { Range, SourceText } from '../../model/range';
import { isLiteralShellSecret, isPlaceholderSecret, isSecretName, knownToken, maskSecret, nameTokens, passwordInUrl } from '../../knowledge/secrets';
import { rangeWithin, withArticle } from './locate';
import { hasLineBreak, withoutTrailingComment } from '../../knowledge/text';

/** `key=value`, `key: value`, `key = "value"`, `"key": "value",` and `export KEY=value` lines of config files. */
const ASSIGNMENT = /^(?:export\s+)?["']?([A-Za-z_][\w.\-[\]]*)["']?\s*[:=]([\s\S]*)$/;
/** `requirepass foobared` (redis.conf and similar `key value` formats), for unambiguous names only. */
const SPACED = /^\s*([A-Za-z_][\w.-]*)\s+(\S+)\s*$/;
const SPACED_NAMES = new Set(['password', 'passwd', 'pass', 'requirepass', 'masterauth', 'secret', 'token']);
/** nginx's upstream directives (`fastcgi_pass php-handler;`, `proxy_pass http://api;`) name a backend, not a password. */
const NGINX_UPSTREAM = /^(?:proxy|fastcgi|uwsgi|scgi|grpc|memcached)_pass$/i;
/** Values encrypted or resolved by the application (jasypt `ENC(...)`, Vault/SOPS references). */
const RESOLVED_ELSEWHERE = /^(?:ENC\(|enc\(|vault:|ref\+|secretref:|sops:|awssm:|gcpsm:|azkv:)/;

interface Hit { secret: string; what: string; line: Range }

/** A `key = value` line, value trimmed: matched on the trimmed line, as blank runs on both sides of a lazy value made it cubic. */
export function assignment(text: string): { name: string; value: string } | undefined {
  const a = ASSIGNMENT.exec(text.trim());
  const value = a?.[2].trim();
  return a && !hasLineBreak(value!) ? { name: a[1], value: value! } : undefined;
}

function cleanValue(raw: string): string {
  let v = raw.replace(/,$/, '').trim();
  const quote = v[0];
  if (v.length >= 2 && (quote === '"' || quote === "'") && v.endsWith(quote) && !hasLineBreak(v)) v = v.slice(1, -1);
  else v = withoutTrailingComment(v);
  return v;
}

/**
 * Code, not a value: a call (`get_secret_value('x')`), a dotted or bare identifier left unquoted in a program
 * (`image_pull_secrets`), or a list/map literal (`[ status, secret ]`).
 */
const EXPRESSION = /^(?:[A-Za-z_][\w.]*\s*\([\s\S]*\)|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|\[[\s\S]*\]|\{[\s\S]*\})$/;

function literalValue(v: string): boolean {
  return isLiteralShellSecret(v) && !isPlaceholderSecret(v) && !RESOLVED_ELSEWHERE.test(v) && !v.includes('%(') && !EXPRESSION.test(v);
}

/** A program's settings file: an unquoted value there is an expression (a variable, a call), not a literal. */
const PROGRAM_FILE = /\.(?:py|js|mjs|cjs|ts|rb|lua|php|groovy|kts?)$/i;

/** Secrets in one line of a config-file value: secret-named settings, URL passwords, known tokens. */
function lineHits(text: string, line: Range, program: boolean): Hit[] {
  const out: Hit[] = [];
  if (/^\s*(?:#|\/\/|;|<!--)/.test(text)) return out;
  const a = assignment(text);
  if (a && isSecretName(a.name)) {
    const v = cleanValue(a.value);
    const quoted = /^["']/.test(a.value.trim());
    if (literalValue(v) && (quoted || !program)) out.push({ secret: v, what: `the setting "${a.name}"`, line });
  } else {
    // `requirepass foobared`; the name's last word decides (`proxy_pass_request_headers on;` is a switch).
    const s = SPACED.exec(text);
    const words = s ? nameTokens(s[1]) : [];
    if (s && SPACED_NAMES.has(words[words.length - 1]) && !NGINX_UPSTREAM.test(s[1]) && literalValue(s[2])) out.push({ secret: s[2], what: `the setting "${s[1]}"`, line });
  }
  const url = passwordInUrl(text);
  if (url && literalValue(text.slice(url.start, url.end))) out.push({ secret: text.slice(url.start, url.end), what: 'a password in a URL', line });
  const tok = knownToken(text);
  if (tok) out.push({ secret: tok.value, what: withArticle(tok.typeName), line });
  return out;
}

/**
 * The text of a configuration file holds a credential: a secret-named setting with a literal value, a URL
 * password, a known token or a private key (committed-secret-manifest judges Secret entries holding files by this).
 */
export function holdsCredential(text: string, fileName: string): boolean {
  if (/PRIVATE KEY-----/.test(text)) return true;
  const none: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return text.split('\n').some((l) => lineHits(l, none, PROGRAM_FILE.test(fileName)).length > 0);
}

/** Each line of a scalar with its source range: exact for literal blocks and one-line values, else the whole value. */
function linesOf(node: Scalar, value: string, whole: Range, source: SourceText): { text: string; range: Range }[] {
  const lines = value.split('\n');
  if (node.type === 'BLOCK_LITERAL') {
    const first = whole.start.line + 1;
    return lines.map((text, k) => {
      const n = first + k;
      return { text, range: n <= whole.end.line ? { start: { line: n, character: 0 }, end: { line: n, character: source.lineText(n).length } } : whole };
    });
  }
  return lines.map((text) => ({ text, range: whole }));
}

function checkConfigMap(obj: KubeObject, source: SourceText, ctx: RuleContext): void {
  const name = obj.name ? `ConfigMap "${obj.name}"` : 'ConfigMap';
  const advice = 'ConfigMaps are not encrypted at rest, show up in `kubectl describe` and are readable by every role that reads configuration; move the value to a Secret (mounted as a file or env) and keep the rest here.';
  for (const e of obj.raw.get('data')?.entries() ?? []) {
    const s = e.value.str();
    if (!s || !s.value.trim()) continue;
    const report = (range: Range, what: string, secret: string) => ctx.report({ range, message: `${name} key "${e.key}" holds ${what} (${maskSecret(secret.trim())}). ${advice}` });
    const singleLine = !s.value.trim().includes('\n');
    if (singleLine && isSecretName(e.key)) {
      const v = s.value.trim();
      if (!s.dynamic && literalValue(v)) { report(s.range, 'a secret', v); continue; }
    }
    const taken: Range[] = [];
    for (const l of linesOf(e.value.node as Scalar, s.value, s.range, source)) {
      for (const h of lineHits(l.text, l.range, PROGRAM_FILE.test(e.key))) {
        const r = rangeWithin(source, h.line, h.secret);
        if (taken.some((t) => overlaps(t, r))) continue;
        taken.push(r);
        report(r, h.what, h.secret);
      }
    }
    for (const t of ctx.tokensIn(s.range)) {
      if (taken.some((x) => overlaps(x, t.range)) || !literalValue(t.value)) continue;
      taken.push(t.range);
      report(t.range, withArticle(t.typeName), t.value);
    }
  }
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

export default defineRule({
  id: 'secret-in-configmap',
  title: 'Secret stored in a ConfigMap',
  category: 'secrets',
  principle: 'config',
  severity: 'error',
  fix: 'none',
  peers: { kics: ['passwords_and_secrets'], polaris: ['sensitiveConfigmapContent'], trivy: ['KSV-0109', 'KSV-01010'] },
  docs: {
    why: 'ConfigMaps are meant for non-confidential settings: they are not encrypted at rest, are printed by `kubectl describe`, copied into logs and dashboards, and readable by roles that are never granted Secrets. A password in a ConfigMap (often inside an `application.properties` or `config.yaml` block) is committed with the manifest and leaks through all of those paths. Keep settings in the ConfigMap and put the credential in a Secret that the application reads from a file or an environment variable.',
    bad: { lang: 'yaml', code: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\ndata:\n  application.properties: |\n    spring.datasource.url=jdbc:postgresql://db:5432/shop\n    spring.datasource.password=hunter2' },
    good: { lang: 'yaml', code: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\ndata:\n  application.properties: |\n    spring.datasource.url=jdbc:postgresql://db:5432/shop\n    spring.datasource.password=${DB_PASSWORD}\n# DB_PASSWORD comes from a Secret via env.valueFrom.secretKeyRef' },
    notes: 'Checks `data` entries: a secret-named key with a literal value, and inside any value (also multi-line config files) `key=value` / `key: value` / `"key": "value"` lines with secret-named keys, `requirepass x`-style lines, passwords in URLs and known token formats. Findings point at the exact line of `|` blocks; folded or escaped values are reported as a whole when the secret cannot be located. Not reported: `${VAR}`, `$VAR`, `%(x)s`, Helm `{{ }}`, jasypt `ENC(...)` and Vault/SOPS references, placeholders, empty values, and settings about secrets (`password_min_length`, `password_encryption = scram-sha-256`, `*_FILE` paths).',
  },
  check: {
    kubernetes(model, ctx) {
      for (const obj of model.objects) if (obj.kind === 'ConfigMap') checkConfigMap(obj, model.source, ctx);
    },
  },
});
