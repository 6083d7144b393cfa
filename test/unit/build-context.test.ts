/**
 * Build contexts (workspace/build-context.ts) and the rule that judges `COPY . .` on them
 * (context-files-in-image). Fixtures: test/fixtures/workspaces/build-context (see its README) and
 * test/fixtures/rules/context-files-in-image; what a fixture cannot hold (a `.git` folder, a listing
 * over its cap) is built in a temporary folder.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfig } from '../../server/src/engine/config';
import { buildContextsOf, MAX_CONTEXT_ENTRIES, notableFiles } from '../../server/src/workspace/build-context';
import { WorkspaceIndex } from '../../server/src/workspace/index';
import { analyzeFile, fixturesDir } from './helpers';

const PROJECT = path.join(fixturesDir, 'workspaces', 'build-context', 'compose-context');
const RULE = 'context-files-in-image';

const diskIO = {
  fileExists: (p: string) => fs.existsSync(p),
  modelOf: () => undefined,
  textOf: (p: string) => { try { return fs.readFileSync(p, 'utf8'); } catch { return undefined; } },
};

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

const found = async (file: string) => (await analyzeFile(file)).findings.filter((f) => f.ruleId === RULE);

describe('build context: COPY . judged on what it ships', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-context-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a Compose build context in another folder: the root .env ships through docker/api, not through docker/worker whose <Dockerfile>.dockerignore wins', async () => {
    const api = await found(path.join(PROJECT, 'docker', 'api', 'Dockerfile'));
    assert.strictEqual(api.length, 1);
    assert.strictEqual(api[0].range.start.line, 2);
    assert.ok(api[0].message.includes('the context `../..` that compose.yaml (service `api`)'), api[0].message);
    assert.ok(api[0].message.includes('`.dockerignore` does not exclude `.env` (an environment file)'), api[0].message);
    assert.ok(!api[0].message.includes('fixture-placeholder'), 'names the file, never its content');
    assert.deepStrictEqual(await found(path.join(PROJECT, 'docker', 'worker', 'Dockerfile')), []);
  });

  it('without the Compose file, the context is the Dockerfile\'s folder, which holds no secret', () => {
    const contexts = buildContextsOf(path.join(PROJECT, 'docker', 'api', 'Dockerfile'), diskIO);
    assert.deepStrictEqual(contexts.map((c) => [c.dir, c.via, c.ignoreFile, c.shipped]), [[path.join(PROJECT, 'docker', 'api'), undefined, undefined, []]]);
  });

  it('.git, a local database and an .npmrc with a literal token are named; an .npmrc without one, node_modules and test keys are not', async () => {
    write(tmp, {
      'Dockerfile': 'FROM node:20.11-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      'var/local.sqlite3': 'x',
      '.npmrc': '//registry.npmjs.org/:_authToken=npm_fixtureFixtureFixture\n',
      'web/.npmrc': 'engine-strict=true\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n',
      'node_modules/pkg/.env': 'A=1\n',
      'test/fixtures/server.key': 'x',
      'README.md': 'x',
    });
    const [f] = await found(path.join(tmp, 'Dockerfile'));
    assert.ok(f, 'a finding');
    assert.strictEqual(f.severity, 'warning', 'a secret file ships');
    for (const name of ['`.npmrc` (an npm config with registry tokens)', '`.git` (the git repository, with its history', '`var/local.sqlite3` (a local database file)']) assert.ok(f.message.includes(name), `${name} in ${f.message}`);
    for (const name of ['web/.npmrc', 'node_modules', 'server.key', 'npm_fixture']) assert.ok(!f.message.includes(name), `${name} not in ${f.message}`);
  });

  it('.git alone is information; excluding it (`.git/`, trailing slash) silences the rule', async () => {
    write(tmp, { 'Dockerfile': 'FROM nginx:1.27-alpine\nCOPY ./ /usr/share/nginx/html/\n', '.git/HEAD': 'x\n' });
    const [f] = await found(path.join(tmp, 'Dockerfile'));
    assert.strictEqual(f?.severity, 'info');
    write(tmp, { '.dockerignore': '# version control\n.git/\n' });
    assert.deepStrictEqual(await found(path.join(tmp, 'Dockerfile')), []);
  });

  it('<name>.dockerignore beside the Dockerfile wins over the context\'s .dockerignore (both ways)', async () => {
    write(tmp, { 'app.Dockerfile': 'FROM python:3.12-slim\nCOPY . /app\nUSER nobody\nCMD ["python", "/app/main.py"]\n', '.env': 'A=1\n', '.dockerignore': '.env\n', 'app.Dockerfile.dockerignore': '*.md\n' });
    assert.strictEqual((await found(path.join(tmp, 'app.Dockerfile'))).length, 1, 'the own file does not exclude .env, whatever .dockerignore says');
    write(tmp, { '.dockerignore': '*.md\n', 'app.Dockerfile.dockerignore': '.env\n' });
    assert.deepStrictEqual(await found(path.join(tmp, 'app.Dockerfile')), []);
  });

  it('the listing is cached and sees a file added in a subfolder (folder modification times)', () => {
    write(tmp, { 'src/app.js': 'x' });
    const first = notableFiles(tmp);
    assert.deepStrictEqual(first.notable, []);
    assert.strictEqual(notableFiles(tmp), first, 'unchanged folders: the same listing');
    write(tmp, { 'src/config/.env.production': 'A=1\n' });
    assert.deepStrictEqual(notableFiles(tmp).notable.map((n) => n.path), ['src/config/.env.production']);
  });

  it(`stops listing at its cap (${MAX_CONTEXT_ENTRIES} entries; 50 here) and says so`, () => {
    const many = path.join(tmp, 'many');
    fs.mkdirSync(many);
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(many, `f${i}`), '');
    write(tmp, { 'zz/.env': 'A=1\n' });
    const listing = notableFiles(tmp, 50);
    assert.strictEqual(listing.truncated, true);
    assert.deepStrictEqual(listing.notable, [], 'zz/ comes after the cap: not judged');
  });

  it('the workspace index analyses the Dockerfile again when its .dockerignore changes', async () => {
    write(tmp, { 'Dockerfile': 'FROM node:20.11-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n', '.env': 'A=1\n', '.dockerignore': 'node_modules\n' });
    const ix = new WorkspaceIndex({ roots: [tmp], config: defaultConfig() });
    await ix.scan();
    const df = path.join(tmp, 'Dockerfile');
    assert.strictEqual(ix.result(df)!.findings.filter((f) => f.ruleId === RULE).length, 1);
    fs.writeFileSync(path.join(tmp, '.dockerignore'), 'node_modules\n.env\n');
    assert.deepStrictEqual(await ix.update(path.join(tmp, '.dockerignore'), 'changed'), [df]);
    assert.deepStrictEqual(ix.result(df)!.findings.filter((f) => f.ruleId === RULE), []);
  });
});
