/**
 * A quick fix never loses data: every pass is analysed again and rolled back when it fails (problem
 * still reported, syntax broken, a more serious problem), the editor's fix-all obeys the same check,
 * YAML anchors shared through aliases are not written into, and `.env` files are read the way
 * `docker compose` reads them.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { AnalysisResult, Finding } from '../../server/src/engine/analyze';
import { FixSession } from '../../server/src/engine/apply-fixes';
import { defaultConfig, EngineConfig } from '../../server/src/engine/config';
import { dotEnvStatus, parseDotEnv } from '../../server/src/engine/dotenv';
import { applyEdits } from '../../server/src/engine/fix';
import type { Fix } from '../../server/src/engine/rule';
import { fixAllEdit } from '../../server/src/lsp/codeActions';
import { unifiedDiff } from '../../server/src/cli/diff';
import { fixturesDir } from './helpers';

const noGit = { refuseReason: () => undefined, ignored: () => false };
const at = (line: number, character: number) => ({ line, character });
const COMPOSE = 'services:\n  web:\n    image: nginx:1.27.0\n    restart: unless-stopped\n  db:\n    image: postgres:16.2\n    restart: unless-stopped\n';

function stub(ruleId: string, severity: Finding['severity'], fix: Fix): Finding {
  return { ruleId, category: 'config', severity, message: `stub ${fix.title}`, range: { start: at(1, 2), end: at(1, 5) }, fixAvailability: fix.safety, fix: () => [fix] } as Finding;
}

/** A session whose analyses also report `extra` (while `present` says the problem is there). */
class StubSession extends FixSession {
  constructor(private readonly extra: Finding, private readonly present: (text: string) => boolean) { super(noGit); }
  override async analyze(abs: string, config: EngineConfig): Promise<AnalysisResult> {
    const r = await super.analyze(abs, config);
    if (this.present(this.read(abs) ?? '')) r.findings.push(this.extra);
    return r;
  }
}

const yamlErrors = (text: string) => parseAllDocuments(text).flatMap((d) => ('errors' in d ? d.errors : []));

describe('fix guard: every pass analysed again, rolled back when it fails', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-guard-'))); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('refuses a fix whose problem is still reported afterwards, and never applies it twice', async () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, COMPOSE);
    // Inserts text but the problem stays (as with a model that misreads the file's line breaks).
    const fix: Fix = { title: 'Add restart', safety: 'safe', edits: [{ range: { start: at(0, 0), end: at(0, 0) }, newText: 'x-restart: unless-stopped\n' }] };
    const session = new StubSession(stub('missing-restart-policy', 'warning', fix), () => true);
    const r = await session.fixFile(file, defaultConfig(), { unsafe: false });
    assert.ok(!session.read(file)!.includes('x-restart'), 'the edit was rolled back, never repeated');
    assert.ok(!r.applied.some((a) => a.title === 'Add restart'));
    assert.deepStrictEqual(r.refused.map((x) => x.title), ['Add restart']);
    assert.match(r.refused[0].reason, /still reported/);
    assert.ok(r.converged, 'a refused fix is not tried again');
  });

  it('refuses a fix that would bring a more serious problem', async () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, COMPOSE);
    const fix: Fix = { title: 'Let it do anything', safety: 'safe', edits: [{ range: { start: at(4, 0), end: at(4, 0) }, newText: '    privileged: true\n' }] };
    const session = new StubSession(stub('stub-rule', 'info', fix), (t) => !t.includes('privileged'));
    const r = await session.fixFile(file, defaultConfig(), { unsafe: false });
    assert.ok(!session.read(file)!.includes('privileged'), 'the edit was rolled back');
    assert.match(r.refused.find((x) => x.title === fix.title)?.reason ?? '', /more serious problem \(privileged-container\)/);
  });

  it('fix --unsafe on nextcloud-redis-mariadb: fixes that break the YAML only together are applied one at a time', async () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.copyFileSync(path.join(fixturesDir, 'fix-regressions', 'nextcloud-redis-mariadb', 'compose.yaml'), file);
    const session = new FixSession(noGit);
    const r = await session.fixFile(file, defaultConfig(), { unsafe: true });
    const text = session.read(file)!;
    assert.deepStrictEqual(yamlErrors(text).map((e) => e.message), [], text);
    assert.deepStrictEqual(r.result.problems, []);
    const titles = r.applied.map((a) => a.title);
    assert.ok(titles.includes('Add "db" to the depends_on of "nc"') && titles.includes('Wait for "redis" with condition: service_healthy'), titles.join('\n'));
    assert.match(text, /depends_on:\n {6}redis:\n {8}condition: service_healthy\n {6}db:\n {8}condition: service_started\n/);
    assert.ok(r.converged);
  });

  it('the editor\'s fix-all leaves out a fix that would break the file', async () => {
    const file = path.join(tmp, 'compose.yaml');
    const text = 'services:\n  web:\n    image: nginx:1.27.0\n';
    fs.writeFileSync(file, text);
    const session = new FixSession(noGit);
    const result = await session.analyze(file, defaultConfig());
    const breaking: Fix = { title: 'Break it', safety: 'safe', edits: [{ range: { start: at(2, 0), end: at(2, 0) }, newText: '    - [oops\n' }] };
    result.findings.push(stub('stub-rule', 'error', breaking));
    const { changes } = await fixAllEdit(result, file, (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined), noGit);
    const own = changes.find((c) => c.file === file);
    assert.ok(own, 'the other safe fixes are still offered');
    assert.ok(!own.edits.some((e) => e.newText.includes('[oops')), 'the breaking edit is left out');
    assert.deepStrictEqual(yamlErrors(applyEdits(text, own.edits)).map((e) => e.message), []);
  });

  it('refuses to write into a YAML anchor that an alias shares (db-replica: *db)', async () => {
    const file = path.join(tmp, 'compose.yaml');
    const text = 'services:\n  db: &db\n    image: postgres:16.2\n    restart: unless-stopped\n  db-replica: *db\n';
    fs.writeFileSync(file, text);
    const r = await new FixSession(noGit).fixFile(file, defaultConfig(), { unsafe: true });
    const volume = r.refused.filter((x) => x.ruleId === 'database-without-volume');
    assert.ok(volume.length >= 1, JSON.stringify(r.refused));
    assert.match(volume[0].reason, /YAML anchor that other entries share/);
    assert.ok(!r.applied.some((a) => a.ruleId === 'database-without-volume'));
  });
});

describe('.env as docker compose reads it', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-dotenv-'))); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads every line-break convention, a BOM, quotes, export and comments', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const env = parseDotEnv(`\uFEFFA=1${eol}# c${eol}export B='x y'${eol}C="q\\"z"${eol}D=plain # note`);
      assert.deepStrictEqual([...env].map(([k, v]) => [k, v.value]), [['A', '1'], ['B', 'x y'], ['C', 'q"z'], ['D', 'plain']], JSON.stringify(eol));
    }
    assert.strictEqual(parseDotEnv('E=$HOME/x\n').get('E')!.value, undefined, 'an interpolated value is not guessed');
  });

  it('a key already there with the same value is reused, with another value a conflict (any line breaks)', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      assert.strictEqual(dotEnvStatus(`OTHER=1${eol}DB_PASSWORD=hunter2-secret`, 'DB_PASSWORD=hunter2-secret').status, 'same');
      assert.strictEqual(dotEnvStatus(`OTHER=1${eol}DB_PASSWORD="hunter2-secret"${eol}`, 'DB_PASSWORD=hunter2-secret').status, 'same');
      assert.strictEqual(dotEnvStatus(`OTHER=1${eol}DB_PASSWORD=other-value${eol}`, 'DB_PASSWORD=hunter2-secret').status, 'conflict');
      assert.strictEqual(dotEnvStatus(`OTHER=1${eol}`, 'DB_PASSWORD=hunter2-secret').status, 'absent');
    }
  });

  it('fix: a CR-only .env that defines the key with another value is a conflict, nothing changes', async () => {
    const file = path.join(tmp, 'compose.yaml');
    const compose = 'services:\n  api:\n    image: shop/api:1.0.0\n    environment:\n      DB_PASSWORD: hunter2-secret\n';
    fs.writeFileSync(file, compose);
    fs.writeFileSync(path.join(tmp, '.env'), 'OTHER=1\rDB_PASSWORD=other-value\r');
    const session = new FixSession(noGit);
    const r = await session.fixFile(file, defaultConfig(), { unsafe: false });
    assert.match(session.read(file)!, /^ {6}DB_PASSWORD: hunter2-secret$/m, 'the literal stays');
    assert.strictEqual(session.read(path.join(tmp, '.env')), 'OTHER=1\rDB_PASSWORD=other-value\r');
    assert.match(r.refused.find((x) => x.ruleId === 'hardcoded-secret')?.reason ?? '', /\.env already defines DB_PASSWORD with another value/);
  });

  it('fix: reuses the same value and appends new keys in the file\'s own line breaks (CRLF, BOM, no final newline)', async () => {
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, 'services:\n  api:\n    image: shop/api:1.0.0\n    environment:\n      DB_PASSWORD: hunter2-secret\n      API_TOKEN: tok-abcdefgh12345\n');
    fs.writeFileSync(path.join(tmp, '.env'), '\uFEFFOTHER=1\r\nDB_PASSWORD=hunter2-secret');
    const session = new FixSession(noGit);
    await session.fixFile(file, defaultConfig(), { unsafe: false });
    assert.match(session.read(file)!, /DB_PASSWORD: \$\{DB_PASSWORD\}\n\s+API_TOKEN: \$\{API_TOKEN\}\n/);
    assert.strictEqual(session.read(path.join(tmp, '.env')), '\uFEFFOTHER=1\r\nDB_PASSWORD=hunter2-secret\r\nAPI_TOKEN=tok-abcdefgh12345\r\n');
  });
});

describe('unified diff of very large changes', () => {
  it('prints a 150,000-line replacement without overflowing the stack', () => {
    const n = 150_000;
    const before = Array.from({ length: n }, (_, i) => `a${i}`).join('\n') + '\n';
    const after = Array.from({ length: n }, (_, i) => `b${i}`).join('\n') + '\n';
    const lines = unifiedDiff('a/f', 'b/f', before, after).split('\n');
    // Too large for the LCS table: every old line removed, then every new line added, in one hunk.
    assert.deepStrictEqual(lines.slice(0, 4), ['--- a/f', '+++ b/f', `@@ -1,${n} +1,${n} @@`, '-a0']);
    assert.strictEqual(lines.length, 3 + 2 * n + 1);
    assert.deepStrictEqual([lines[2 + n], lines[3 + n], lines[2 + 2 * n], lines[3 + 2 * n]], [`-a${n - 1}`, '+b0', `+b${n - 1}`, '']);
  });
});
