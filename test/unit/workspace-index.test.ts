import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfig } from '../../server/src/engine/config';
import type { DockerfileModel } from '../../server/src/model/dockerfile';
import { excludeMatcher, globMatches } from '../../server/src/workspace/globs';
import { WorkspaceIndex } from '../../server/src/workspace/index';
import { fixturesDir } from './helpers';

const LINKED = path.join(fixturesDir, 'workspaces', 'linked');

function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) copyDir(path.join(from, e.name), path.join(to, e.name));
    else fs.copyFileSync(path.join(from, e.name), path.join(to, e.name));
  }
}

const ruleLines = (ix: WorkspaceIndex, file: string, ruleId: string) =>
  (ix.result(file)?.findings ?? []).filter((f) => f.ruleId === ruleId).map((f) => f.range.start.line + 1);

describe('workspace index: cross-file links', () => {
  let ix: WorkspaceIndex;
  before(async () => {
    ix = new WorkspaceIndex({ roots: [LINKED], config: defaultConfig() });
    await ix.scan();
  });

  it('finds the Dockerfile, the Compose file and both manifests (README is not ours)', () => {
    assert.deepStrictEqual(ix.results().map((r) => path.relative(LINKED, r.path)).sort(), ['compose.yaml', 'k8s/config.yaml', 'k8s/deploy.yaml', 'web/Dockerfile']);
  });

  it('links Compose build: (short and long form) to the Dockerfile and attributes it to both services', () => {
    const df = path.join(LINKED, 'web', 'Dockerfile');
    assert.deepStrictEqual(ix.links().usersOf(df).map((u) => `${path.relative(LINKED, u.file)}:${u.name}`).sort(), ['compose.yaml:web', 'compose.yaml:worker', 'k8s/deploy.yaml:Deployment/web']);
    const builds = ix.links().links.filter((l) => l.type === 'build');
    assert.strictEqual(builds.length, 2);
    assert.ok(builds.every((l) => l.to === df && !l.missing));
  });

  it('gives Compose analyses the built Dockerfile\'s model (HEALTHCHECK and USER of its final stage)', () => {
    const host = ix.hostFor();
    const m = host.modelOf!(path.join(LINKED, 'web', 'Dockerfile'), 'dockerfile') as DockerfileModel;
    const final = m.stages[m.stages.length - 1];
    assert.deepStrictEqual(final.instructions.map((i) => i.keyword).filter((k) => k === 'USER' || k === 'HEALTHCHECK'), ['USER', 'HEALTHCHECK']);
  });

  it('resolves Kubernetes references to Secret/ConfigMap objects in other files and reports the dangling one', () => {
    const refs = ix.links().links.filter((l) => l.type === 'secret' || l.type === 'configmap').map((l) => `${l.toObject}:${l.missing ? 'missing' : path.relative(LINKED, l.to)}`);
    assert.deepStrictEqual(refs.sort(), ['ConfigMap/app-confg:missing', 'Secret/app-secrets:k8s/config.yaml']);
    assert.deepStrictEqual(ruleLines(ix, path.join(LINKED, 'k8s', 'deploy.yaml'), 'dangling-config-reference'), [25]);
  });

  it('reports the missing env_file and records the link as missing', () => {
    assert.deepStrictEqual(ruleLines(ix, path.join(LINKED, 'compose.yaml'), 'missing-referenced-file'), [4]);
    const env = ix.links().links.find((l) => l.type === 'env_file')!;
    assert.strictEqual(env.to, path.join(LINKED, 'web.env'));
    assert.strictEqual(env.missing, true);
  });

  it('links a manifest image to the Dockerfile through the Compose service of the same name', () => {
    const img = ix.links().links.filter((l) => l.type === 'image');
    assert.deepStrictEqual(img.map((l) => [path.relative(LINKED, l.from), l.fromUnit, path.relative(LINKED, l.to)]), [['k8s/deploy.yaml', 'Deployment/web', 'web/Dockerfile']]);
  });
});

describe('workspace index: incremental updates', () => {
  let dir: string;
  let ix: WorkspaceIndex;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-ws-'));
    copyDir(LINKED, dir);
    ix = new WorkspaceIndex({ roots: [dir], config: defaultConfig() });
    await ix.scan();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('analyses every file once on scan', () => {
    assert.strictEqual(ix.analyses, 4);
  });

  it('creating the missing env file analyses it and re-analyses only the Compose file that names it', async () => {
    fs.writeFileSync(path.join(dir, 'web.env'), 'LOG_LEVEL=info\n');
    const again = await ix.update(path.join(dir, 'web.env'), 'created');
    // An env file is analysed itself (committed secrets), then the Compose file whose analysis looked for it.
    assert.deepStrictEqual(again.map((p) => path.relative(dir, p)), ['web.env', 'compose.yaml']);
    assert.deepStrictEqual(ruleLines(ix, path.join(dir, 'compose.yaml'), 'missing-referenced-file'), []);
  });

  it('an edit to a manifest re-analyses it and the manifests that read the workspace catalogue, nothing else', async () => {
    const cfg = path.join(dir, 'k8s', 'config.yaml');
    fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8').replace('name: app-config', 'name: app-confg'));
    const again = await ix.update(cfg, 'changed');
    assert.deepStrictEqual(again.map((p) => path.relative(dir, p)).sort(), ['k8s/config.yaml', 'k8s/deploy.yaml']);
    assert.deepStrictEqual(ruleLines(ix, path.join(dir, 'k8s', 'deploy.yaml'), 'dangling-config-reference'), []);
  });

  it('an edit of a manifest that leaves the catalogue\'s objects as they were re-analyses only that manifest', async () => {
    const cfg = path.join(dir, 'k8s', 'config.yaml');
    fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8').replace(/\n/, '  # reviewed\n'));
    assert.deepStrictEqual((await ix.update(cfg, 'changed')).map((p) => path.relative(dir, p)), ['k8s/config.yaml']);
    fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8'));
    assert.deepStrictEqual((await ix.update(cfg, 'changed')).map((p) => path.relative(dir, p)), ['k8s/config.yaml']);
  });

  it('a batch of changes analyses each changed file and each of their readers once', async () => {
    const df = path.join(dir, 'web', 'Dockerfile');
    const cfg = path.join(dir, 'k8s', 'config.yaml');
    const deploy = path.join(dir, 'k8s', 'deploy.yaml');
    fs.appendFileSync(df, 'EXPOSE 3000\n');
    fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8').replace('name: app-config', 'name: app-confg'));
    const before = ix.analyses;
    const again = await ix.updateMany([df, cfg, df, cfg].map((p) => ({ path: p, change: 'changed' as const })));
    // The Compose file reads the Dockerfile, and so does the Deployment (its image is built from it); deploy.yaml reads the catalogue.
    const expected = ['compose.yaml', 'k8s/config.yaml', 'k8s/deploy.yaml', 'web/Dockerfile'];
    assert.deepStrictEqual(again.map((p) => path.relative(dir, p)).sort(), expected);
    assert.strictEqual(ix.analyses - before, expected.length);
    assert.deepStrictEqual(ruleLines(ix, deploy, 'dangling-config-reference'), []);
  });

  it('an edit to the Dockerfile re-analyses the files whose rules read it', async () => {
    const df = path.join(dir, 'web', 'Dockerfile');
    const readers = ix.dependentsOf(df);
    fs.appendFileSync(df, 'EXPOSE 3000\n');
    const again = await ix.update(df, 'changed');
    assert.deepStrictEqual(again.map((p) => path.relative(dir, p)).sort(), ['web/Dockerfile', ...readers.map((p) => path.relative(dir, p))].sort());
    assert.ok(!again.some((p) => p.endsWith('.yaml') && p.includes('k8s')), 'manifests do not depend on the Dockerfile');
  });

  it('deleting a file drops it; creating one indexes it', async () => {
    fs.rmSync(path.join(dir, 'k8s', 'config.yaml'));
    await ix.update(path.join(dir, 'k8s', 'config.yaml'), 'deleted');
    assert.ok(!ix.result(path.join(dir, 'k8s', 'config.yaml')));
    fs.writeFileSync(path.join(dir, 'k8s', 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n');
    const again = await ix.update(path.join(dir, 'k8s', 'extra.yaml'), 'created');
    assert.ok(again.includes(path.join(dir, 'k8s', 'extra.yaml')));
    assert.strictEqual(ix.result(path.join(dir, 'k8s', 'extra.yaml'))?.kind, 'kubernetes');
  });

  it('an open document (overlay) wins over the disk', async () => {
    const deploy = path.join(dir, 'k8s', 'deploy.yaml');
    const text = fs.readFileSync(deploy, 'utf8').replace('app-confg', 'app-config');
    const ov = new WorkspaceIndex({ roots: [dir], config: defaultConfig(), overlay: (p) => (p === deploy ? text : undefined) });
    await ov.scan();
    assert.deepStrictEqual(ruleLines(ov, deploy, 'dangling-config-reference'), []);
  });
});

describe('workspace index: dangling references are judged per folder', () => {
  it('flags a missing Secret only where the folder defines Secrets; names still resolve workspace-wide', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-refs-'));
    const deploy = (name: string, secret: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: shop/${name}:1.0.0\n          envFrom:\n            - secretRef:\n                name: ${secret}\n`;
    const secret = (name: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n`;
    try {
      for (const d of ['app-a', 'app-b', 'app-c']) fs.mkdirSync(path.join(dir, d));
      fs.writeFileSync(path.join(dir, 'app-a', 'secret.yaml'), secret('a-creds'));
      fs.writeFileSync(path.join(dir, 'app-a', 'deploy.yaml'), deploy('a', 'a-credz'));
      // Created outside the repository (kubectl create secret): app-b defines no Secret of its own.
      fs.writeFileSync(path.join(dir, 'app-b', 'deploy.yaml'), deploy('b', 'made-by-ci'));
      // Defined in another folder: resolves.
      fs.writeFileSync(path.join(dir, 'app-c', 'secret.yaml'), secret('c-creds'));
      fs.writeFileSync(path.join(dir, 'app-c', 'deploy.yaml'), deploy('c', 'a-creds'));
      const ix = new WorkspaceIndex({ roots: [dir], config: defaultConfig() });
      await ix.scan();
      const flagged = ix.results().filter((r) => r.findings.some((f) => f.ruleId === 'dangling-config-reference')).map((r) => path.relative(dir, r.path));
      assert.deepStrictEqual(flagged, [path.join('app-a', 'deploy.yaml')]);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('workspace index: exclusions', () => {
  it('converts VS Code globs', () => {
    assert.ok(globMatches('**/node_modules', 'a/b/node_modules'));
    assert.ok(globMatches('**/node_modules', 'node_modules'));
    assert.ok(globMatches('**/*.{yml,yaml}', 'x/y.yaml'));
    assert.ok(!globMatches('build/*', 'build/a/b'));
    assert.ok(globMatches('build/**', 'build/a/b'));
  });

  it('skips files.exclude / search.exclude matches and the built-in folders', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-ex-'));
    try {
      for (const d of ['generated', 'node_modules/pkg', 'vendor/x', 'app']) fs.mkdirSync(path.join(dir, d), { recursive: true });
      for (const d of ['generated', 'node_modules/pkg', 'vendor/x', 'app']) fs.writeFileSync(path.join(dir, d, 'Dockerfile'), 'FROM node:20.11-alpine\n');
      const ix = new WorkspaceIndex({ roots: [dir], config: defaultConfig(), isIgnored: excludeMatcher([dir], { '**/generated': true, '**/off': false }) });
      await ix.scan();
      assert.deepStrictEqual(ix.results().map((r) => path.relative(dir, r.path)), ['app/Dockerfile']);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('keeps several workspace folders in one index', async () => {
    const ix = new WorkspaceIndex({ roots: [path.join(LINKED, 'web'), path.join(LINKED, 'k8s')], config: defaultConfig() });
    await ix.scan();
    assert.strictEqual(ix.results().length, 3);
  });
});
