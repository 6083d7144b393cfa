import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { TestClient } from '../lsp/lsp-client';

const root = path.resolve(__dirname, '..', '..', '..');

/**
 * The npm package as a user gets it: `npm pack`, then `npm install -g --prefix` of the tarball, with no
 * registry access (`--offline`: every library is inside the bundles, nothing is installed beside them),
 * then both binaries run from a folder far from the checkout.
 */
describe('npm package (npm pack + global install into a temp prefix)', function () {
  this.timeout(180000);
  let tmp: string, tarball: string, prefix: string, project: string, packed: string[];
  // The global install's bin folder, and node itself for the `#!/usr/bin/env node` shims.
  const env = () => ({ ...process.env, PATH: [path.join(prefix, 'bin'), path.dirname(process.execPath), process.env.PATH].join(path.delimiter) });
  const npm = (args: string[], cwd: string) => {
    // npm_* variables of an outer `npm test` (its config, its lifecycle) must not steer these installs.
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...clean, npm_config_cache: path.join(tmp, 'npm-cache') }, timeout: 150000 });
    assert.strictEqual(r.status, 0, `npm ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-npm-'));
    // Packs what `npm run build` (run before the tests) made; --ignore-scripts skips `prepare`, a second build.
    const info = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root)) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(tmp, info[0].filename);
    packed = info[0].files.map((f) => f.path);
    prefix = path.join(tmp, 'prefix');
    npm(['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], tmp);
    project = path.join(tmp, 'project');
    fs.mkdirSync(path.join(project, 'deploy'), { recursive: true });
    fs.writeFileSync(path.join(project, 'Dockerfile'), 'FROM node:20.11-alpine\nUSER node\nENV API_TOKEN=abc123def456ghi\nCMD ["node", "server.js"]\n');
    fs.writeFileSync(path.join(project, 'compose.yaml'), 'services:\n  web:\n    build: .\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('ships the bundles, both binaries, the schema and the docs, and no tests, sources or fixtures', () => {
    for (const must of ['package.json', 'README.md', 'LICENSE', 'bin/seaworthy.js', 'bin/seaworthy-language-server.js', 'bin/code-cache.js', 'dist/cli.js', 'dist/server.js',
      'schemas/seaworthy.schema.json', 'docs/rules/hardcoded-secret.md', 'docs/rules/README.md', 'docs/editors.md', 'docs/ci.md', 'docs/scoring.md', 'action.yml', '.pre-commit-hooks.yaml']) {
      assert.ok(packed.includes(must), `${must} is not in the package`);
    }
    const unwanted = packed.filter((f) => /^(test|server|client|out|scripts|bench|examples|node_modules)\//.test(f) || /fixture|\.test\.|\.map$|\.ts$/.test(f));
    assert.deepStrictEqual(unwanted, []);
    const manifest = JSON.parse(fs.readFileSync(path.join(prefix, 'lib', 'node_modules', 'seaworthy', 'package.json'), 'utf8')) as { bin: Record<string, string>; private?: boolean };
    assert.deepStrictEqual(Object.keys(manifest.bin).sort(), ['seaworthy', 'seaworthy-language-server']);
    assert.notStrictEqual(manifest.private, true, 'a private package cannot be published');
  });

  it('links every document the packaged README and docs point to', () => {
    const installed = path.join(prefix, 'lib', 'node_modules', 'seaworthy');
    // The README's development section points into the repository (tests, benchmarks): those stay on GitHub.
    const devOnly = /^(test\/|docs\/(benchmarks|fuzzing|writing-rules|precision|line-breaks)\.md|bench\/|CHANGELOG)/;
    const broken: string[] = [];
    for (const doc of ['README.md', 'docs/editors.md', 'docs/ci.md', 'docs/scoring.md']) {
      const text = fs.readFileSync(path.join(installed, doc), 'utf8');
      for (const m of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/i.test(target)) continue;
        const rel = path.posix.normalize(path.posix.join(path.posix.dirname(doc), target));
        if (devOnly.test(rel)) continue;
        if (!fs.existsSync(path.join(installed, rel))) broken.push(`${doc} → ${target}`);
      }
    }
    assert.deepStrictEqual(broken, []);
  });

  it('runs `seaworthy` from any folder: --version, and check on a project', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const v = spawnSync('seaworthy', ['--version'], { cwd: project, encoding: 'utf8', env: env() });
    assert.strictEqual(v.stdout.trim(), version, v.stderr);
    const r = spawnSync('seaworthy', ['check', '.', '--format', 'json'], { cwd: project, encoding: 'utf8', env: env() });
    assert.strictEqual(r.status, 1, r.stderr);
    const data = JSON.parse(r.stdout) as { findings: { file: string; ruleId: string; line: number }[]; filesScanned: number };
    assert.strictEqual(data.filesScanned, 2);
    assert.ok(data.findings.some((f) => f.file === 'Dockerfile' && f.ruleId === 'hardcoded-secret' && f.line === 3), r.stdout);
    assert.ok(data.findings.some((f) => f.file === 'compose.yaml' && f.ruleId === 'host-socket-mount' && f.line === 5), r.stdout);
    assert.ok(!r.stdout.includes('abc123def456ghi'), 'secret values are never printed');
  });

  it('runs `seaworthy-language-server --stdio`, the extension\'s server bundle: initialize, didOpen, publishDiagnostics', async () => {
    const installed = path.join(prefix, 'lib', 'node_modules', 'seaworthy', 'dist', 'server.js');
    assert.ok(fs.readFileSync(installed).equals(fs.readFileSync(path.join(root, 'dist', 'server.js'))), 'the installed server is the bundle the .vsix ships');
    const client = new TestClient({}, { command: { file: path.join(prefix, 'bin', 'seaworthy-language-server'), args: ['--stdio'], cwd: project, env: env() } });
    try {
      const init = await client.initializeWorkspace(project) as { capabilities: { codeActionProvider?: unknown }; serverInfo?: { name: string } };
      assert.ok(init.capabilities.codeActionProvider, 'the server offers code actions');
      const uri = pathToFileURL(path.join(project, 'Dockerfile')).toString();
      await client.open(uri, 'dockerfile', fs.readFileSync(path.join(project, 'Dockerfile'), 'utf8'));
      const p = await client.waitFor(uri, (d) => d.diagnostics.some((x) => x.code === 'hardcoded-secret'), 30000);
      const secret = p.diagnostics.find((x) => x.code === 'hardcoded-secret')!;
      assert.deepStrictEqual(secret.range, { start: { line: 2, character: 14 }, end: { line: 2, character: 29 } });
      assert.strictEqual(secret.severity, 1);
    } finally { await client.shutdown(); }
  });
});
