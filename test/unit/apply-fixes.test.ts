import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AnalysisResult, Finding } from '../../server/src/engine/analyze';
import { chooseFix, fixesOf, FixSession, gitignoreCovers, gitView, isEnvFile, planPass } from '../../server/src/engine/apply-fixes';
import { masked } from '../../server/src/cli/fix';
import { maskRanges } from '../../server/src/engine/mask';
import { appendConflict, planFix, snippetDefaults, snippetEscape } from '../../server/src/engine/fix';
import { APPLY_FILES_COMMAND, codeActions, FileEdits, fixAllEdit, setWorkspaceTrusted, SNIPPET_COMMAND, UNTRUSTED_REFUSAL } from '../../server/src/lsp/codeActions';
import { pathToFileURL } from 'url';
import type { Fix } from '../../server/src/engine/rule';
import { unifiedDiff } from '../../server/src/cli/diff';
import { defaultConfig } from '../../server/src/engine/config';
import { analyze } from './helpers';

const at = (line: number, character: number) => ({ line, character });
const COMPOSE = 'services:\n  api:\n    image: shop/api:1.0.0\n    environment:\n      DB_PASSWORD: hunter2-secret\n';

/** The shape a "move the value to .env" fix has (no rule offers it yet; the guard must hold when one does). */
function moveToEnv(name: string, value: string, line: number, from: number, to: number): Fix {
  return {
    title: `Move ${name} to .env`, safety: 'safe',
    edits: [{ range: { start: at(line, from), end: at(line, to) }, newText: '${' + name + '}' }],
    appends: [{ file: '.env', lines: [`${name}=${value}`], unlessLineMatches: [`^${name}=`] }],
  };
}

function finding(fix: Fix, line: number, from: number, to: number): Finding {
  return { ruleId: 'hardcoded-secret', category: 'secrets', severity: 'error', message: 'm', range: { start: at(line, from), end: at(line, to) }, fixAvailability: 'safe', fix: () => [fix] };
}

function result(file: string, findings: Finding[]): AnalysisResult {
  return { path: file, findings, suppressed: [], unusedSuppressions: [], problems: [], ruleErrors: [] };
}

function git(dir: string, ...args: string[]) { execFileSync('git', args, { cwd: dir, stdio: 'ignore' }); }

describe('applying fixes (engine/apply-fixes)', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-apply-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('moves a value to .env and git-ignores it, once', async () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, COMPOSE);
    const session = new FixSession({ refuseReason: () => undefined, ignored: () => false });
    const fix = moveToEnv('DB_PASSWORD', 'hunter2-secret', 4, 19, 33);
    assert.strictEqual(session.apply(planFix(fix, file, session.read)), undefined);
    assert.match(session.read(file)!, /DB_PASSWORD: \$\{DB_PASSWORD\}\n$/);
    assert.strictEqual(session.read(path.join(tmp, '.env')), 'DB_PASSWORD=hunter2-secret\n');
    assert.strictEqual(session.read(path.join(tmp, '.gitignore')), '.env\n');
    assert.deepStrictEqual(planFix({ ...fix, edits: [] }, file, session.read), [], 'the append is not repeated');
    assert.ok(!fs.existsSync(path.join(tmp, '.env')), 'nothing is written before write()');
    await session.write();
    assert.strictEqual(fs.readFileSync(path.join(tmp, '.gitignore'), 'utf8'), '.env\n');
  });

  it('keeps an existing .gitignore line that already covers .env', () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, COMPOSE);
    fs.writeFileSync(path.join(tmp, '.gitignore'), 'node_modules\n.env*');
    const session = new FixSession({ refuseReason: () => undefined, ignored: () => false });
    session.apply(planFix(moveToEnv('DB_PASSWORD', 'hunter2-secret', 4, 19, 33), file, session.read));
    assert.strictEqual(session.read(path.join(tmp, '.gitignore')), 'node_modules\n.env*');
  });

  it('refuses to write a secret into a .env file git tracks, and says why', () => {
    git(tmp, 'init', '-q');
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, COMPOSE);
    fs.writeFileSync(path.join(tmp, '.env'), 'OTHER=1\n');
    git(tmp, 'add', '.env');
    const session = new FixSession(gitView());
    const why = session.apply(planFix(moveToEnv('DB_PASSWORD', 'hunter2-secret', 4, 19, 33), file, session.read));
    assert.match(String(why), /git tracks it/);
    assert.deepStrictEqual(session.changed(), [], 'nothing changes when the fix is refused');
    fs.rmSync(path.join(tmp, '.env'));
    git(tmp, 'rm', '-q', '--cached', '.env');
    const ok = new FixSession(gitView());
    assert.strictEqual(ok.apply(planFix(moveToEnv('DB_PASSWORD', 'hunter2-secret', 4, 19, 33), file, ok.read)), undefined);
    assert.strictEqual(ok.read(path.join(tmp, '.gitignore')), '.env\n');
  });

  it('moves any number of secrets to the same .env in one pass (each append planned after the previous one)', async () => {
    const file = path.join(tmp, 'compose.yaml');
    const names = Array.from({ length: 12 }, (_, i) => `API_TOKEN_${i}`);
    const text = 'services:\n  api:\n    image: shop/api:1.0.0\n    environment:\n' + names.map((n, i) => `      ${n}: tok-${i}-abcdefgh12345\n`).join('');
    fs.writeFileSync(file, text);
    const fixes = names.map((n, i) => moveToEnv(n, `tok-${i}-abcdefgh12345`, 4 + i, 6 + n.length + 2, 6 + n.length + 2 + `tok-${i}-abcdefgh12345`.length));
    const plan = planPass(result(file, fixes.map((f, i) => finding(f, 4 + i, 0, 1))), file, () => undefined);
    assert.strictEqual(plan.chosen.length, 12, 'no fix waits for another pass because of the shared .env');
    const session = new FixSession({ refuseReason: () => undefined, ignored: () => false });
    const r = await session.fixFile(file, defaultConfig(), { unsafe: false });
    assert.strictEqual(r.converged, true);
    assert.strictEqual(r.applied.filter((a) => a.ruleId === 'hardcoded-secret').length, 12, JSON.stringify(r.refused));
    const env = session.read(path.join(tmp, '.env'))!;
    for (const [i, n] of names.entries()) assert.ok(env.split('\n').includes(`${n}=tok-${i}-abcdefgh12345`), n);
  });

  it('masks the moved values wherever a change is printed', async () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, COMPOSE);
    const session = new FixSession({ refuseReason: () => undefined, ignored: () => false });
    const fix = moveToEnv('DB_PASSWORD', 'hunter2-secret', 4, 19, 33);
    const f = finding(fix, 4, 19, 33);
    const chosen = { finding: f, fix, changes: planFix(fix, file, session.read) };
    session.apply(chosen.changes);
    const printed = (await Promise.all(session.changed().map(async (c) => unifiedDiff(`a/${path.basename(c.file)}`, `b/${path.basename(c.file)}`, c.before ?? '', c.after, 3,
      { before: await masked(c.file, c.before ?? '', defaultConfig()), after: await masked(c.file, c.after, defaultConfig()) })))).join('');
    assert.ok(!printed.includes('hunter2-secret'), printed);
    assert.match(printed, /^-\s+DB_PASSWORD: hun\*\*\*\*$/m);
    assert.match(printed, /^\+DB_PASSWORD=hun\*\*\*\*$/m);
  });

  it('refuses a move when the .env already holds another value for the name (the moved value would be lost)', async () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, COMPOSE);
    fs.writeFileSync(path.join(tmp, '.env'), 'export DB_PASSWORD=other-value\n');
    const fix = { ...moveToEnv('DB_PASSWORD', 'hunter2-secret', 4, 19, 33), appends: [{ file: '.env', lines: ['DB_PASSWORD=hunter2-secret'], unlessLineMatches: ['^DB_PASSWORD='], conflictsWith: ['^\\s*(?:export\\s+)?DB_PASSWORD\\s*='] }] };
    const reason = appendConflict(fix, file, (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined));
    assert.match(String(reason), /\.env already defines DB_PASSWORD with another value/);
    assert.ok(!String(reason).includes('other-value'), 'the existing value is not echoed');
    const plan = planPass(result(file, [finding(fix, 4, 19, 33)]), file, (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined));
    assert.deepStrictEqual(plan.chosen, []);
    assert.deepStrictEqual(plan.conflicts.map((c) => c.fix.title), ['Move DB_PASSWORD to .env']);
    fs.writeFileSync(path.join(tmp, '.env'), 'DB_PASSWORD=hunter2-secret\n');
    assert.strictEqual(appendConflict(fix, file, (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined)), undefined, 'the same value is no conflict');
  });

  it('editor quick fixes pass the same guards: disabled with the reason when git tracks the .env, .gitignore line added otherwise', async () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, COMPOSE);
    const res = await analyze(file, COMPOSE);
    const f = res.findings.find((x) => x.ruleId === 'hardcoded-secret')!;
    const title = fixesOf(f)[0].title;
    const uri = pathToFileURL(file).toString();
    const diag = { range: f.range, message: f.message, source: 'seaworthy', code: f.ruleId };
    const params = { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } };
    const docs = { textOf: () => undefined, versionOf: () => 1 };
    const tracked = { refuseReason: () => 'git tracks it', ignored: () => false };
    const refused = (await codeActions(params, res, docs, tracked)).find((a) => a.title === title)!;
    assert.deepStrictEqual(refused.disabled, { reason: 'not writing to .env: git tracks it' });
    assert.strictEqual(refused.edit, undefined);
    assert.ok(!(await fixAllEdit(res, file, () => undefined, tracked)).changes.some((c) => path.basename(c.file) === '.env'), 'fix-all skips it too');
    const untracked = { refuseReason: () => undefined, ignored: () => false };
    const ok = (await codeActions(params, res, docs, untracked)).find((a) => a.title === title)!;
    assert.strictEqual(ok.disabled, undefined);
    // It writes beside the document: the client applies it as one workspace edit (one undo step, no save).
    assert.strictEqual(ok.edit, undefined);
    assert.strictEqual(ok.command?.command, APPLY_FILES_COMMAND);
    const [argUri, version, payload] = ok.command!.arguments as [string, number, FileEdits[]];
    assert.deepStrictEqual([argUri, version], [uri, 1]);
    assert.deepStrictEqual(payload.map((f) => [path.basename(f.uri), f.create]).sort(), [['.env', true], ['.gitignore', true], ['compose.yaml', false]]);
    assert.strictEqual(payload.find((f) => f.uri.endsWith('/.gitignore'))!.text, '.env\n', 'a new file carries its whole content');
  });

  it('in an untrusted workspace (limited mode) git is not run: fixes that need it are refused with the reason', async () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, COMPOSE);
    const res = await analyze(file, COMPOSE);
    const f = res.findings.find((x) => x.ruleId === 'hardcoded-secret')!;
    const title = fixesOf(f)[0].title;
    const uri = pathToFileURL(file).toString();
    const diag = { range: f.range, message: f.message, source: 'seaworthy', code: f.ruleId };
    setWorkspaceTrusted(false);
    try {
      const refused = (await codeActions({ textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } }, res, { textOf: () => undefined, versionOf: () => 1 })).find((a) => a.title === title)!;
      assert.deepStrictEqual(refused.disabled, { reason: `not writing to .env: ${UNTRUSTED_REFUSAL}` });
    } finally { setWorkspaceTrusted(true); }
  });

  it('a version only the user knows is typed in place: a snippet command in the editor, never applied by fix-all', async () => {
    const file = path.join(tmp, 'Dockerfile');
    const text = 'FROM redis\nCMD ["redis-server"]\n';
    fs.writeFileSync(file, text);
    const res = await analyze(file, text);
    const f = res.findings.find((x) => x.ruleId === 'unpinned-image')!;
    const [fix] = fixesOf(f);
    assert.strictEqual(fix.title, 'Pin redis to a release tag (type the version)');
    assert.strictEqual(chooseFix(f, true), undefined, 'fix-all (even --unsafe) never guesses a version');
    const uri = pathToFileURL(file).toString();
    const diag = { range: f.range, message: f.message, source: 'seaworthy', code: f.ruleId };
    const action = (await codeActions({ textDocument: { uri }, range: f.range, context: { diagnostics: [diag] } }, res, { textOf: () => undefined, versionOf: () => 7 })).find((a) => a.title === fix.title)!;
    assert.strictEqual(action.edit, undefined);
    assert.ok(!action.isPreferred);
    assert.deepStrictEqual(action.command, { title: fix.title, command: SNIPPET_COMMAND, arguments: [uri, 7, { start: at(0, 5), end: at(0, 10) }, 'redis:${1:VERSION}'] });
    assert.deepStrictEqual(planFix(fix, file, () => undefined)[0].edits[0].newText, 'redis:VERSION', 'other readers see the default');
  });

  it('masks secret values in printed output, not the names of files that hold them', async () => {
    const file = path.join(tmp, 'Dockerfile');
    const text = 'FROM node:20.11-alpine\nCOPY .env /app/.env\nENV API_TOKEN=s3cr3t-t0ken-value\nUSER node\nCMD ["node", "app.js"]\n';
    fs.writeFileSync(file, text);
    const res = await analyze(file, text);
    assert.ok(res.findings.some((f) => f.ruleId === 'secret-file-in-image'), 'the .env copy is reported');
    const shown = maskRanges(text, res.secrets);
    assert.ok(!shown.includes('s3cr3t-t0ken-value'), shown);
    assert.ok(shown.includes('ENV API_TOKEN=s3cr****\n'), shown);
    assert.ok(shown.includes('COPY .env /app/.env\n'), shown);
  });

  it('expands snippet placeholders to their defaults', () => {
    assert.strictEqual(snippetDefaults('a:${1:VERSION}'), 'a:VERSION');
    assert.strictEqual(snippetDefaults(`${snippetEscape('reg/$x}\\y')}:\${1:V}`), 'reg/$x}\\y:V', 'escaped literal text comes back unchanged');
    assert.strictEqual(snippetDefaults('${1:outer ${2:inner}} $0 ${3} \\$HOME \\}'), 'outer inner   $HOME }');
  });

  it('knows which files receive values and which .gitignore lines cover them', () => {
    assert.ok(isEnvFile('/p/.env') && isEnvFile('/p/.env.production'));
    assert.ok(!isEnvFile('/p/.env.example') && !isEnvFile('/p/env') && !isEnvFile('/p/.envrc'));
    for (const l of ['.env', '/.env', '.env*', '*.env', '.env.*'.replace('.*', '*')]) assert.ok(gitignoreCovers(l, '.env'), l);
    for (const l of ['# .env', '!.env', 'config/.env', '.env/', '']) assert.ok(!gitignoreCovers(l, '.env'), l);
  });
});

describe('unified diff', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-diff-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const cases: [string, string, string][] = [
    ['insertion in the middle', 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n', 'a\nb\nc\nd\nX\ne\nf\ng\nh\ni\nj\n'],
    ['two distant changes', Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') + '\n', Array.from({ length: 30 }, (_, i) => (i === 2 || i === 25 ? `L${i}` : `l${i}`)).join('\n') + '\n'],
    ['deletion at the start', 'x\ny\nz\n', 'y\nz\n'],
    ['append without a final newline', 'a\nb', 'a\nb\nc\n'],
    ['new file', '', '.env\n'],
  ];
  for (const [name, before, after] of cases) {
    it(`is accepted by git apply: ${name}`, () => {
      fs.writeFileSync(path.join(tmp, 'f'), before);
      const patch = unifiedDiff('a/f', 'b/f', before, after);
      fs.writeFileSync(path.join(tmp, 'p.diff'), patch);
      execFileSync('git', ['apply', '--unidiff-zero', 'p.diff'], { cwd: tmp, stdio: 'pipe' });
      assert.strictEqual(fs.readFileSync(path.join(tmp, 'f'), 'utf8'), after, patch);
    });
  }
  it('is empty for equal texts', () => assert.strictEqual(unifiedDiff('a', 'b', 'x\n', 'x\n'), ''));
});
