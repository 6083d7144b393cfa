import * as assert from 'assert';
import { findIgnoreComment, hadolintIgnore } from '../../server/src/engine/suppress';
import { ignoreLineEdit } from '../../server/src/engine/ignore-comments';
import type { Model } from '../../server/src/engine/rule';
import { isCommandStringFlag } from '../../server/src/knowledge/container-commands';
import { findHostAddress, packageName } from '../../server/src/knowledge/daemons';
import { cacheBackendName } from '../../server/src/knowledge/datastores';
import { blankDynamicParts, isDynamicText, substitute } from '../../server/src/knowledge/interpolation';
import { remoteModulePath } from '../../server/src/knowledge/packages';
import { dockerBytes } from '../../server/src/knowledge/quantities';
import { isLiteralSecretValue, knownToken, passwordInUrl, TOKEN_FORMATS } from '../../server/src/knowledge/secrets';
import { cutAtFirstOf, endsWithGitRef, trimEndOf, withoutTrailingComment, withoutTrailingSlashes } from '../../server/src/knowledge/text';
import { parseDotEnvLine } from '../../server/src/engine/dotenv';
import { lineBreakOf } from '../../server/src/model/line-breaks';
import { looksLikeKubernetes } from '../../server/src/parse/kubernetes';
import { maskTemplates } from '../../server/src/parse/yaml';
import { quotedStrings } from '../../server/src/rules/build-run/stages';
import { downloadInWord } from '../../server/src/rules/dependencies/curl-pipe-shell';
import { globMatches } from '../../server/src/rules/dependencies/install-ignores-lockfile';
import { hostsIn } from '../../server/src/rules/dependencies/undeclared-service-dependency';
import { hostEntry } from '../../server/src/rules/host-daemon/host-daemon-address';
import { parserDirective } from '../../server/src/rules/secrets/move-secret';
import { assignment } from '../../server/src/rules/secrets/secret-in-configmap';
import { debconfAnswer, namesPasswordQuestion, netrcPassword } from '../../server/src/rules/secrets/shell-credentials';

/**
 * The scanners that replaced backtracking regular expressions (ReDoS audit) must mean what the
 * expressions meant. Each is compared with the expression it replaced, kept here as the oracle, on
 * thousands of short seeded random texts built from the pieces that matter to it, plus cases by hand.
 */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

/** Random texts of up to `maxPieces` pieces drawn from `pieces` (deterministic per seed). */
function texts(pieces: string[], maxPieces = 8, count = 3000, seed = 7): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = Math.floor(r() * (maxPieces + 1));
    let t = '';
    for (let j = 0; j < n; j++) t += pieces[Math.floor(r() * pieces.length)];
    out.push(t);
  }
  return out;
}

function same<T>(name: string, inputs: string[], before: (t: string) => T, after: (t: string) => T): void {
  for (const t of inputs) assert.deepStrictEqual(after(t), before(t), `${name}: ${JSON.stringify(t)}`);
}

const idList = (s: string | undefined) => (s ?? '').split(/[,\s]+/).map((x) => x.trim()).filter(Boolean);

describe('linear scanners mean what the regular expressions they replaced meant', () => {
  it('seaworthy-ignore and seaworthy-ignore-file comments (suppress.ts)', () => {
    const LINE_RE = /#\s*seaworthy-ignore(?!-file)(?:[ \t]+(?!--)([A-Za-z0-9_,\- \t]*?))?(?:[ \t]+--[ \t]*(.*))?[ \t]*$/;
    const FILE_RE = /#\s*seaworthy-ignore-file(?:[ \t]+(?!--)([A-Za-z0-9_,\- \t]*?))?(?:[ \t]+--[ \t]*(.*))?[ \t]*$/;
    const inputs = texts(['#', ' ', '\t', 'seaworthy-ignore', '-file', '-', '--', 'a', 'b1', ',', '!', 'x y', 'RUN x '], 9, 6000);
    inputs.push('# seaworthy-ignore', '# seaworthy-ignore a,b -- why', 'RUN x # seaworthy-ignore a -- b -- c', '#seaworthy-ignore-file a', '# seaworthy-ignore a!', `# seaworthy-ignore${' '.repeat(40)}!`);
    const view = (m: RegExpExecArray | null) => (m ? { ids: idList(m[1]), reason: m[2]?.trim() || undefined } : undefined);
    const mine = (c: ReturnType<typeof findIgnoreComment>) => (c ? { ids: idList(c.ids), reason: c.reason } : undefined);
    same('line', inputs, (t) => view(LINE_RE.exec(t)), (t) => mine(findIgnoreComment(t, 'line')));
    same('file', inputs, (t) => view(FILE_RE.exec(t)), (t) => mine(findIgnoreComment(t, 'file')));
  });

  it('hadolint ignore comments (suppress.ts)', () => {
    const HADOLINT_RE = /^\s*#\s*hadolint\s+(global\s+)?ignore=([A-Za-z0-9,\s]+?)(?:\s+#.*)?\s*$/;
    const inputs = texts(['# hadolint ignore=', '# hadolint global ignore=', ' ', 'DL3008', ',', '#', 'x', '!', '\t'], 6);
    // An id list of blanks only suppresses nothing, before and after.
    same('hadolint', inputs, (t) => { const m = HADOLINT_RE.exec(t); return m && idList(m[2]).length ? { global: !!m[1], ids: idList(m[2]) } : undefined; },
      (t) => { const h = hadolintIgnore(t); return h && idList(h.ids).length ? { global: h.global, ids: idList(h.ids) } : undefined; });
  });

  it('the quick fix extends an existing ignore comment (ignore-comments.ts)', () => {
    const OLD = /^(\s*#\s*seaworthy-ignore\s+)([A-Za-z0-9_,\- \t]*?)(\s+--.*)?$/;
    const edit = (previous: string) => {
      const lines = [previous, 'image: x'];
      const model = { kind: 'compose', source: { lineText: (l: number) => lines[l], lineCount: 2 } } as unknown as Model;
      return ignoreLineEdit(model, { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } }, 'r9').newText;
    };
    const inputs = texts(['  ', '#', ' ', 'seaworthy-ignore', 'a', ',b', ' -- ', 'why', '!', '\t'], 7)
      // The old expression read `# seaworthy-ignore -- why` as the ids `--` and `why`; the reason is kept now.
      .filter((t) => { const m = OLD.exec(t); return !/seaworthy-ignore[ \t]+--/.test(t) && (!m || !/(?:^|[ \t])--/.test(m[2])); });
    same('ignoreLineEdit', inputs, (t) => {
      const m = OLD.exec(t);
      if (!m) return edit('');
      const ids = m[2].split(/[,\s]+/).filter(Boolean);
      if (!ids.includes('r9')) ids.push('r9');
      return `${m[1]}${ids.join(',')}${m[3] ?? ''}`;
    }, edit);
    assert.strictEqual(edit('# seaworthy-ignore -- legacy'), '# seaworthy-ignore r9 -- legacy');
  });

  it('extra_hosts entries, ConfigMap assignments and Dockerfile parser directives', () => {
    const pieces = [' ', '\t', 'a', 'host', ':', '=', '1.2', '"', "'", 'export ', '#', '\n', '[0]'];
    const OLD_HOST = /^\s*([^:=\s]+)\s*[:=]\s*(.+?)\s*$/;
    // The old expression could end its blank run on a line break and keep a target of blanks only (`a=\n `): no target now.
    same('hostEntry', texts(pieces), (t) => { const m = OLD_HOST.exec(t); return m && m[2].trim() ? { name: m[1], target: m[2] } : undefined; }, hostEntry);
    const OLD_ASSIGNMENT = /^\s*(?:export\s+)?["']?([A-Za-z_][\w.\-[\]]*)["']?\s*[:=]\s*(.*?)\s*$/;
    same('assignment', texts(pieces), (t) => { const m = OLD_ASSIGNMENT.exec(t); return m ? { name: m[1], value: m[2] } : undefined; }, assignment);
    const OLD_DIRECTIVE = /^\uFEFF?#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/;
    same('parserDirective', texts(['\uFEFF', '#', ' ', 'syntax', '=', 'docker/x:1', '\t', '-']), (t) => { const m = OLD_DIRECTIVE.exec(t); return m ? { name: m[1], value: m[2] } : undefined; }, parserDirective);
    same('withoutTrailingComment', texts([' ', '#', 'a', '\t', 'b#c']), (t) => t.replace(/\s+#.*$/, ''), withoutTrailingComment);
    assert.deepStrictEqual(hostEntry(' host.docker.internal : host-gateway '), { name: 'host.docker.internal', target: 'host-gateway' });
  });

  it('debconf and .netrc passwords (shell-credentials.ts)', () => {
    const pieces = [' ', 'machine', 'password', 'x', '.', '"', '\n', 'a/', 'pass', '/', 'root_pass'];
    same('netrc', texts(pieces, 8, 5000), (t) => /\bmachine\s+\S+[\s\S]*?\bpassword\s+([^\s"']+)/.exec(t)?.[1], netrcPassword);
    same('debconf answer', texts(pieces, 8, 5000), (t) => /\/\S*pass\S*\s+password\s+(\S+)/.exec(t)?.[1], debconfAnswer);
    same('debconf question', texts(pieces), (t) => /\/\S*pass/.test(t), namesPasswordQuestion);
    assert.strictEqual(debconfAnswer('mysql-server mysql-server/root_password password s3cr3t'), 's3cr3t');
  });

  it('URL schemes: passwords in URLs and the hosts a value names', () => {
    const pieces = ['a', 'B', '1', '+', '.', '-', '_', ':', '//', '://', '@', 'u', ':p', '/', ' ', '?', '#', ',h2'];
    const oldPassword = (value: string) => {
      const m = /([a-z][a-z0-9+.-]*):\/\/([^:@\/\s]*):([^@\/\s]+)@/i.exec(value);
      if (!m) return undefined;
      const pass = m[3];
      if (!isLiteralSecretValue(pass) || pass === '*' || /^\*+$/.test(pass) || /^x+$/i.test(pass)) return undefined;
      const start = m.index + m[1].length + 3 + m[2].length + 1;
      return { start, end: start + pass.length };
    };
    same('passwordInUrl', texts(pieces, 10, 6000).map((t) => t.replace(/p/g, 'pw7Q')), oldPassword, passwordInUrl);
    const OLD_URL = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/?#]+)/gi;
    const oldHostsIn = (value: string) => {
      const out: string[] = [];
      for (const m of value.matchAll(OLD_URL)) for (const hp of m[1].slice(m[1].lastIndexOf('@') + 1).split(',')) out.push(hp.replace(/:[^:]*$/, ''));
      for (const item of value.split(/[,\s]+/)) { const hp = /^([A-Za-z0-9][A-Za-z0-9_.-]*):\d{1,5}$/.exec(item); if (hp) out.push(hp[1]); }
      return [...new Set(out.filter((h) => h && !/[${}]/.test(h)).map((h) => h.toLowerCase()))];
    };
    same('hostsIn', texts([...pieces, '5432'], 10, 6000), oldHostsIn, (t) => hostsIn(t, false));
    assert.deepStrictEqual(passwordInUrl('postgres://app:s3cretPw@db/app'), { start: 15, end: 23 });
  });

  it('JSON Web Tokens', () => {
    const OLD = /(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;
    const jwt = TOKEN_FORMATS.find((f) => f.typeName === 'JSON Web Token')!;
    const inputs = texts(['eyJ', 'abcd', 'abcdefgh', '_', '-', '.', 'x', ' ', 'A9'], 12, 6000);
    same('jwt', inputs, (t) => { const m = OLD.exec(t); return m ? { index: m.index, text: m[0] } : undefined; }, (t) => jwt.find(t));
    const all = (t: string) => { const out: { index: number; text: string }[] = []; for (let m = jwt.find(t); m; m = jwt.find(t, m.index + Math.max(1, m.text.length))) out.push(m); return out; };
    same('jwt, every match', inputs, (t) => [...t.matchAll(new RegExp(OLD.source, 'g'))].map((m) => ({ index: m.index!, text: m[0] })), all);
    const token = `eyJ${'a'.repeat(8)}.eyJ${'b'.repeat(8)}.${'c'.repeat(8)}`;
    assert.strictEqual(knownToken(`x_${token}`)?.start, 2);
  });

  it('variables and templates: isDynamicText, substitute, blanking for findHostAddress', () => {
    const pieces = ['$', '{', '}', 'A', '_1', ':-', '-', ':+', '?', '(', ')', '{{', '}}', '\uE000', ' ', 'x', '\n'];
    const inputs = texts(pieces, 10, 6000);
    same('isDynamicText', inputs, (t) => /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\([A-Za-z_][A-Za-z0-9_]*\)|\{\{|\uE000/.test(t), isDynamicText);
    const vars = new Map<string, string | undefined>([['A', 'va'], ['A_1', ''], ['_1', 'one']]);
    same('substitute', inputs, (text) => {
      let unknown = false;
      const out = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced, op, word, bare) => {
        const v = vars.get(braced ?? bare);
        if (op === ':-' || op === '-') return v !== undefined && (op === '-' || v !== '') ? v : word;
        if (v === undefined) { unknown = true; return ''; }
        return v;
      });
      return unknown ? undefined : out;
    }, (t) => substitute(t, vars));
    same('blankDynamicParts', inputs, (t) => t.replace(/\$\{[^}]*\}|\$\([A-Za-z_][A-Za-z0-9_]*\)|\{\{[\s\S]*?\}\}|\uE000+/g, (m) => ' '.repeat(m.length)), blankDynamicParts);
    assert.deepStrictEqual(findHostAddress('${H:-host.docker.internal} host.docker.internal'), { start: 27, end: 47, address: 'host.docker.internal' });
  });

  it('Helm template masking keeps each action to its first closing braces', () => {
    assert.strictEqual(maskTemplates('a: {{ x }} {{ y }}\nb: 1'), `a: ${'\uE000'.repeat(7)} ${'\uE000'.repeat(7)}\nb: 1`);
    assert.strictEqual(maskTemplates('a: {{ x\nb: 1'), 'a: {{ x\nb: 1', 'an unclosed action masks nothing');
    assert.strictEqual(maskTemplates('{{- if .Values.on }}\na: 1\n{{- end }}'), `${' '.repeat(20)}\na: 1\n${' '.repeat(10)}`);
  });

  it('small patterns: trailing characters, first-of cuts, flags, module paths, byte quantities, git refs, Kubernetes sniffing', () => {
    const pathy = texts(['/', 'a', ' ', ';', '\t', '?', '#', '=', '@', '.', 'git', '.git', '\n', '~', '<', '!', 'c', '-', 'CACHE', 'BACKEND', 'x', 'm', '1', '.5'], 8, 6000);
    same('withoutTrailingSlashes', pathy, (t) => t.replace(/\/+$/, ''), withoutTrailingSlashes);
    same('trimEndOf', pathy, (t) => t.replace(/[\s;]+$/, ''), (t) => trimEndOf(t, /[\s;]/));
    same('cutAtFirstOf', pathy, (t) => t.replace(/[?#].*$/, ''), (t) => cutAtFirstOf(t, '?#'));
    same('packageName', pathy, (t) => t.replace(/(?:[=<>~!]=?|@).*$/, '').toLowerCase(), packageName);
    same('isCommandStringFlag', pathy, (t) => /^-[a-z]*c[a-z]*$/.test(t), isCommandStringFlag);
    same('remoteModulePath', pathy, (t) => /^[^/@]*\.[^/@]*\//.test(t), remoteModulePath);
    same('cacheBackendName', pathy, (t) => /CACHE.*BACKEND$/i.test(t), cacheBackendName);
    same('endsWithGitRef', pathy, (t) => /\.git(?:#.*)?$/i.test(t), endsWithGitRef);
    same('dockerBytes', pathy, (t) => { const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]{0,2})\s*$/.exec(t); return m ? dockerBytes(`${m[1]}${m[2]}`) : undefined; }, dockerBytes);
    const yamlish = texts([' ', '\n', '\t', '"', "'", 'apiVersion', 'kind', ':', 'x', '\r\n'], 10, 6000);
    same('looksLikeKubernetes', yamlish, (t) => /^\s*["']?apiVersion["']?\s*:/m.test(t) && /^\s*["']?kind["']?\s*:/m.test(t), looksLikeKubernetes);
  });

  it('JSON-form COPY strings and downloads in a word', () => {
    const OLD = /"((?:[^"\\]|\\.)*)"/g;
    same('quotedStrings', texts(['"', '\\', 'a', ' ', ',', '[', ']', '\n', '\\"'], 10, 6000),
      (t) => [...t.matchAll(OLD)].map((m) => ({ start: m.index!, end: m.index! + m[0].length, raw: m[1] })), quotedStrings);
    same('downloadInWord', texts(['$(', '`', '<(', ' ', '/', 'curl', 'wget', 'x', 'curlx', '(', '$', '<', '\t', '/usr/bin/'], 8, 6000),
      (t) => /(?:\$\(|`|<\()\s*(?:\S*\/)?(?:curl|wget)\b/.test(t), downloadInWord);
  });

  it('COPY source globs against lockfile names (install-ignores-lockfile.ts)', () => {
    const oldGlob = (glob: string, name: string) => {
      let re = '';
      for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === '*') re += '[^/]*';
        else if (c === '?') re += '[^/]';
        else if (c === '[') {
          const end = glob.indexOf(']', i + 1);
          if (end < 0) return false;
          re += '[' + glob.slice(i + 1, end).replace(/\\/g, '\\\\') + ']';
          i = end;
        } else if (c === '\\' && i + 1 < glob.length) re += '\\' + glob[++i];
        else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
      }
      try { return new RegExp(`^${re}$`).test(name); } catch { return false; }
    };
    const globs = texts(['*', '?', 'a', 'k', '.', 'json', '[a-z]', '[!a]', '[^k]', '\\', '\\*', ']', 'package', '-lock', '[z-a]', '['], 7, 6000);
    for (const name of ['package-lock.json', 'yarn.lock', 'a', '', 'aaa.json', 'k*k']) same(`glob vs ${name}`, globs, (g) => oldGlob(g, name), (g) => globMatches(g, name));
  });

  it('.env lines (engine/dotenv.ts)', () => {
    const OLD = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;
    const inputs = texts([' ', '\t', 'export ', 'A_1', '=', 'v', '#', "'", '"', '\u2028', '$', 'x y'], 8, 6000);
    same('parseDotEnvLine key', inputs, (t) => OLD.exec(t)?.[1], (t) => parseDotEnvLine(t)?.key);
    const unquoted = inputs.filter((t) => { const m = OLD.exec(t); return m && !/^['"]/.test(m[2]); });
    same('parseDotEnvLine unquoted value', unquoted, (t) => { const v = OLD.exec(t)![2].replace(/\s+#.*$/, '').trim(); return v.includes('$') ? undefined : v; }, (t) => parseDotEnvLine(t)?.entry.value);
  });

  it('lineBreakOf remembers the last document only as long as it is asked about that document', () => {
    assert.strictEqual(lineBreakOf('a\r\nb\r\n'), '\r\n');
    assert.strictEqual(lineBreakOf('a\r\nb\r\n'), '\r\n');
    assert.strictEqual(lineBreakOf('a\nb\n'), '\n');
    assert.strictEqual(lineBreakOf('a\rb\r'), '\r');
    assert.strictEqual(lineBreakOf(['a', 'b', ''].join('\r\n')), '\r\n', 'an equal text built anew');
  });
});
