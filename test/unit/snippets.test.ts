/**
 * The snippets are the "good" examples the extension hands out: every one, expanded as VS Code would
 * with its defaults, must get no finding at all from every rule (including rules added later), no
 * parse problem, and no suppression comment doing the work.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeText } from '../../server/src/engine/analyze';
import { defaultConfig } from '../../server/src/engine/config';
import { repoRoot } from './helpers';
import { SERVER_SNIPPETS, snippetCompletions, withDefaults } from '../../server/src/lsp/snippets';

interface Snippet { prefix: string | string[]; body: string | string[]; description?: string }

const VARIABLES: Record<string, string> = { TM_FILENAME: 'Dockerfile', TM_FILENAME_BASE: 'api', WORKSPACE_NAME: 'shop', CURRENT_YEAR: '2025' };

/**
 * VS Code snippet syntax with the defaults taken: `$1`, `${1}`, `${1:default}` (nested), `${1|a,b|}`
 * (first choice), `$VAR`/`${VAR}`/`${VAR:default}`, and `\$`, `\}`, `\\` escapes. A tabstop without a
 * default repeats the text of the same tabstop given elsewhere.
 */
export function expandSnippet(body: string): string {
  const defaults = new Map<string, string>();
  const parse = (s: string, i: number, stopAt: string | undefined): [string, number] => {
    let out = '';
    while (i < s.length) {
      const c = s[i];
      if (c === '\\' && i + 1 < s.length && '$}\\,|'.includes(s[i + 1])) { out += s[i + 1]; i += 2; continue; }
      if (stopAt && c === stopAt) return [out, i];
      if (c !== '$') { out += c; i++; continue; }
      let m = /^\$(\d+)/.exec(s.slice(i)) ?? /^\$([A-Z_][A-Z_0-9]*)/.exec(s.slice(i));
      if (m) { out += /^\d+$/.test(m[1]) ? `\u0000${m[1]}\u0000` : VARIABLES[m[1]] ?? ''; i += m[0].length; continue; }
      m = /^\$\{(\d+|[A-Z_][A-Z_0-9]*)(\}|:|\|)/.exec(s.slice(i));
      if (!m) { out += c; i++; continue; }
      const [, name, sep] = m;
      i += m[0].length;
      let value = '';
      if (sep === ':') { [value, i] = parse(s, i, '}'); i++; }
      else if (sep === '|') { const end = s.indexOf('|}', i); value = s.slice(i, end).split(',')[0]; i = end + 2; }
      if (/^\d+$/.test(name)) {
        if (sep !== '}' && !defaults.has(name)) defaults.set(name, value);
        out += `\u0000${name}\u0000`;
      } else out += VARIABLES[name] ?? value;
    }
    return [out, i];
  };
  let [text] = parse(body, 0, undefined);
  // Defaults may hold other tabstops: resolve until none is left (bounded against self-reference).
  for (let round = 0; round < 10 && text.includes('\u0000'); round++) text = text.replace(/\u0000(\d+)\u0000/g, (_, n: string) => defaults.get(n) ?? '');
  return text;
}

/** The contributed snippets (Dockerfile) and the ones the server offers in Compose files and manifests. */
function snippetFiles(): { language: string; file: string }[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { snippets?: { language: string; path: string }[] } };
  const served = Object.values(SERVER_SNIPPETS).map((s) => ({ language: 'yaml', file: path.join(repoRoot, s!.file) }));
  return [...(pkg.contributes.snippets ?? []).map((s) => ({ language: s.language, file: path.join(repoRoot, s.path) })), ...served];
}

const bodyOf = (s: Snippet) => (Array.isArray(s.body) ? s.body.join('\n') : s.body);
const indent = (text: string, by: string) => text.split('\n').map((l) => (l.trim() ? by + l : l)).join('\n');

describe('snippets', () => {
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-snippets-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('the expander follows VS Code snippet syntax', () => {
    assert.strictEqual(expandSnippet('${1:a${2:b}c} $2 $1 \\$X ${3|x,y|} ${TM_FILENAME_BASE} ${NOPE:z}$0'), 'abc b abc $X x api z');
  });

  it('Dockerfile snippets are contributed; Compose and Kubernetes ones come from the server, and every file parses', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { snippets?: { language: string }[] } };
    // Contributed YAML snippets would show in every YAML file (a CI workflow, Spring config).
    assert.deepStrictEqual((pkg.contributes.snippets ?? []).map((s) => s.language), ['dockerfile']);
    for (const f of snippetFiles()) assert.ok(Object.keys(JSON.parse(fs.readFileSync(f.file, 'utf8'))).length > 0, f.file);
  });

  it('the server offers Compose snippets in Compose files only, Kubernetes ones in manifests only, each once', () => {
    const labels = (k: Parameters<typeof snippetCompletions>[0]) => snippetCompletions(k).map((c) => c.label);
    assert.deepStrictEqual(labels(undefined), []);
    assert.deepStrictEqual(labels('dockerfile'), []);
    assert.deepStrictEqual(labels('compose'), ['seaworthy-compose-service', 'seaworthy-compose-postgres']);
    assert.deepStrictEqual(labels('kubernetes'), ['seaworthy-k8s-deployment', 'seaworthy-k8s-statefulset', 'seaworthy-k8s-pdb']);
  });

  it('Dockerfile snippets keep $REVISION and $VERSION literal (an unescaped $NAME is a snippet variable and expands to nothing)', () => {
    const docker = all.filter((x) => x.language === 'dockerfile');
    assert.ok(docker.length >= 3);
    for (const { name, s } of docker) {
      const text = expandSnippet(bodyOf(s));
      if (!/ARG REVISION/.test(text)) continue;
      assert.match(text, /org\.opencontainers\.image\.revision=\$REVISION\b/, name);
      assert.match(text, /org\.opencontainers\.image\.version=\$VERSION\b/, name);
    }
  });

  it('the Compose service snippet defines what it references: no depends_on or secrets it does not declare', () => {
    const service = all.find((x) => x.name === 'Compose app service')!;
    const text = expandSnippet(bodyOf(service.s));
    assert.doesNotMatch(text, /depends_on|secrets:|\/run\/secrets\//);
  });

  const all = snippetFiles().flatMap((f) => Object.entries(JSON.parse(fs.readFileSync(f.file, 'utf8')) as Record<string, Snippet>).map(([name, s]) => ({ name, s, language: f.language, source: path.basename(f.file) })));
  const composeHost = all.find((x) => x.source.startsWith('compose') && /^services:/.test(bodyOf(x.s)));

  for (const { name, s, language, source } of all) {
    it(`"${name}" gets no finding from any rule`, async () => {
      let text = expandSnippet(bodyOf(s));
      let file: string;
      if (language === 'dockerfile') file = path.join(tmp, 'Dockerfile');
      else if (source.startsWith('compose')) {
        file = path.join(tmp, 'compose.yaml');
        // A service snippet goes under `services:` of the database document, whose service it depends on.
        if (!/^services:/.test(text)) {
          assert.ok(composeHost, 'a compose snippet with a whole document to host service snippets');
          const host = expandSnippet(bodyOf(composeHost!.s));
          text = host.replace(/^services:\n/, `services:\n${indent(text.trimEnd(), '  ')}\n\n`);
        }
      } else file = path.join(tmp, 'k8s', `${name.replace(/\W+/g, '-').toLowerCase()}.yaml`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      const r = await analyzeText(file, text, defaultConfig(), { fileExists: (p) => fs.existsSync(p) });
      assert.ok(r.kind, 'not recognised as a Dockerfile, Compose file or manifest');
      assert.deepStrictEqual(r.ruleErrors, []);
      const got = [...r.problems.map((p) => `${p.range.start.line + 1}: parse: ${p.message}`),
        ...r.findings.map((f) => `${f.range.start.line + 1}: ${f.ruleId}: ${f.message.slice(0, 140)}`),
        ...r.suppressed.map((f) => `${f.range.start.line + 1}: suppressed ${f.ruleId}`)];
      assert.deepStrictEqual(got, [], `${name}:\n${text.split('\n').map((l, i) => `${String(i + 1).padStart(3)}  ${l}`).join('\n')}`);
    });
  }
});

describe('snippet previews', () => {
  it('read as inserted with the defaults', () => {
    assert.strictEqual(withDefaults('${1:api}:\n  image: ${2:reg/x}:${3:1.0}\n  env: \\${LOG:-info} $REVISION$0'), 'api:\n  image: reg/x:1.0\n  env: ${LOG:-info} $REVISION');
  });
});
