import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfig } from '../../server/src/engine/config';
import {
  applyProjectConfig, isIgnoredBy, parseProjectConfig, ProjectConfigResolver, resolveForFiles,
} from '../../server/src/engine/project-config';
import { toEngineConfig } from '../../server/src/lsp/settings';
import { globMatches } from '../../server/src/workspace/globs';
import { allRules } from '../../server/src/rules';
import { schemaText, SCHEMA_PATH } from '../../scripts/gen-schema';
import { repoRoot } from './helpers';

const GOOD = `# project settings
rules:
  unpinned-image: off
  volume-in-image: info
  unused-suppression: warning
ignore:
  - legacy/**
  - "*.generated.yaml"
allowedRegistries: [registry.example.com]
dataDirectories:
  shop/ledger: [/var/lib/ledger]
oneShot: [migrate]
requireDigests: true
`;

describe('project configuration (.seaworthy.yaml)', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-config-'))); fs.mkdirSync(path.join(tmp, '.git')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads every key and layers over the defaults', () => {
    const l = parseProjectConfig('/p/.seaworthy.yaml', GOOD);
    assert.deepStrictEqual(l.errors, []);
    const c = applyProjectConfig(defaultConfig(), l.config);
    assert.deepStrictEqual(c.rules, { 'unpinned-image': 'off', 'volume-in-image': 'info', 'unused-suppression': 'warning' });
    assert.deepStrictEqual(c.settings, { dataDirectories: { 'shop/ledger': ['/var/lib/ledger'] }, oneShot: ['migrate'], allowedRegistries: ['registry.example.com'], requireDigests: true });
    assert.deepStrictEqual(parseProjectConfig('/p/.seaworthy.yaml', '').errors, [], 'an empty file is a valid, empty config');
  });

  it('reports unknown keys, rule ids and bad values with their line, and keeps the valid rest', () => {
    const l = parseProjectConfig('/p/.seaworthy.yaml', 'rules:\n  unpinned-imag: off\n  volume-in-image: loud\n  hardcoded-secret: warning\nignroe: [x]\nrequireDigests: yes please\ndataDirectories:\n  app: [data]\n');
    const got = l.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
    assert.deepStrictEqual(got, [
      '2:3 Unknown rule id "unpinned-imag" (did you mean "unpinned-image"?).',
      '3:20 Rule "volume-in-image": severity must be one of error, warning, info, off, not "loud".',
      '5:1 Unknown key "ignroe" (did you mean "ignore"?); known keys: rules, ignore, allowedRegistries, dataDirectories, oneShot, requireDigests, baseline, baselineFindings.',
      '6:17 `requireDigests` must be true or false.',
      '8:8 dataDirectories "app": "data" is not an absolute path inside the container.',
    ]);
    assert.deepStrictEqual(l.config.rules, { 'hardcoded-secret': 'warning' });
  });

  it('reports YAML syntax errors and a non-map document', () => {
    const bad = parseProjectConfig('/p/.seaworthy.yaml', 'rules:\n  a: [unclosed\n');
    assert.strictEqual(bad.errors.length > 0, true);
    assert.match(bad.errors[0].message, /^YAML syntax error/);
    assert.match(parseProjectConfig('/p/.seaworthy.yaml', '- a\n- b\n').errors[0].message, /must be a map/);
  });

  it('is found by walking up, and the walk stops at the repository root', () => {
    fs.mkdirSync(path.join(tmp, 'svc', 'api'), { recursive: true });
    fs.writeFileSync(path.join(tmp, '.seaworthy.yml'), 'rules:\n  unpinned-image: off\n');
    const r = new ProjectConfigResolver();
    assert.strictEqual(r.configFileFor(path.join(tmp, 'svc', 'api', 'Dockerfile')), path.join(tmp, '.seaworthy.yml'));
    fs.writeFileSync(path.join(tmp, 'svc', '.seaworthy.yaml'), 'rules: {}\n');
    assert.strictEqual(new ProjectConfigResolver().configFileFor(path.join(tmp, 'svc', 'api', 'Dockerfile')), path.join(tmp, 'svc', '.seaworthy.yaml'), 'the nearest wins');
    const nested = path.join(tmp, 'vendor', 'other');
    fs.mkdirSync(path.join(nested, '.git'), { recursive: true });
    assert.strictEqual(new ProjectConfigResolver().configFileFor(path.join(nested, 'Dockerfile')), undefined, 'a nested repository is its own project');
  });

  it('ignores paths by glob, relative to the config file', () => {
    const l = parseProjectConfig(path.join(tmp, '.seaworthy.yaml'), GOOD);
    const ignored = (rel: string) => isIgnoredBy(l, path.join(tmp, rel));
    assert.ok(ignored('legacy/Dockerfile') && ignored('legacy/a/b/compose.yaml'));
    assert.ok(ignored('k8s/app.generated.yaml') && ignored('app.generated.yaml'), 'a pattern without / matches at any depth');
    assert.ok(!ignored('k8s/app.yaml') && !ignored('legacyx/Dockerfile'));
    const folder = parseProjectConfig(path.join(tmp, '.seaworthy.yaml'), 'ignore: [charts/vendor/]\n');
    assert.ok(isIgnoredBy(folder, path.join(tmp, 'charts/vendor/x/templates/a.yaml')), 'a folder ignores everything in it');
    assert.ok(!isIgnoredBy(folder, path.join(tmp, 'other/charts/vendor/a.yaml')), 'a pattern with / is anchored to the config folder');
  });

  it('matches globs like a shell: **, *, ?, {a,b}, [..]', () => {
    const cases: [string, string, boolean][] = [
      ['**/*.yaml', 'a/b/c.yaml', true], ['**/*.yaml', 'c.yaml', true], ['*.yaml', 'a/c.yaml', false],
      ['a/**/z', 'a/z', true], ['a/**/z', 'a/b/c/z', true], ['a/**', 'a/b/c', true],
      ['compose.{dev,test}.yaml', 'compose.test.yaml', true], ['compose.{dev,test}.yaml', 'compose.prod.yaml', false],
      ['Dockerfile.?', 'Dockerfile.a', true], ['Dockerfile.?', 'Dockerfile.ab', false],
      ['[a-c]*.yaml', 'b1.yaml', true], ['[!a-c]*.yaml', 'b1.yaml', false], ['a+b(1).yaml', 'a+b(1).yaml', true],
    ];
    for (const [g, p, want] of cases) assert.strictEqual(globMatches(g, p), want, `${g} ~ ${p}`);
  });

  it('gives batch commands each file its config, drops ignored files and collects broken configs', () => {
    fs.mkdirSync(path.join(tmp, 'legacy'));
    fs.writeFileSync(path.join(tmp, '.seaworthy.yaml'), GOOD);
    const files = [path.join(tmp, 'Dockerfile'), path.join(tmp, 'legacy', 'Dockerfile')];
    const r = resolveForFiles(files, defaultConfig());
    assert.deepStrictEqual(r.files, [files[0]]);
    assert.strictEqual(r.configOf(files[0]).rules['unpinned-image'], 'off');
    fs.writeFileSync(path.join(tmp, '.seaworthy.yaml'), 'rulez: {}\n');
    assert.strictEqual(resolveForFiles(files, defaultConfig()).broken.length, 1);
  });

  it('VS Code settings override it, but empty list settings do not erase it', () => {
    const project = parseProjectConfig('/p/.seaworthy.yaml', GOOD).config;
    const c = toEngineConfig({ rules: { 'unpinned-image': 'warn' }, oneShotServices: [], allowedRegistries: ['ghcr.io'] }, project);
    assert.strictEqual(c.rules['unpinned-image'], 'warning');
    assert.strictEqual(c.rules['volume-in-image'], 'info');
    assert.deepStrictEqual(c.settings.oneShot, ['migrate']);
    assert.deepStrictEqual(c.settings.allowedRegistries, ['ghcr.io']);
  });

  it('the published JSON Schema is up to date and lists every rule id (run `npm run docs`)', () => {
    const file = path.join(repoRoot, SCHEMA_PATH);
    assert.ok(fs.existsSync(file), `${SCHEMA_PATH} is missing: run npm run docs`);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), schemaText(), `${SCHEMA_PATH} is stale: run npm run docs`);
    const schema = JSON.parse(schemaText()) as { properties: { rules: { properties: Record<string, unknown> } } };
    for (const r of allRules) assert.ok(schema.properties.rules.properties[r.id], r.id);
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { yamlValidation?: { fileMatch: string | string[]; url: string }[] } };
    const entry = pkg.contributes.yamlValidation?.find((v) => v.url === `./${SCHEMA_PATH}`);
    assert.ok(entry, 'package.json contributes.yamlValidation registers the schema');
    assert.deepStrictEqual([entry!.fileMatch].flat().sort(), ['.seaworthy.yaml', '.seaworthy.yml']);
  });

  it('the CLI honours it and stops with exit 2 and file:line on errors', () => {
    const bin = path.join(repoRoot, 'bin', 'seaworthy.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: tmp, encoding: 'utf8' });
    fs.writeFileSync(path.join(tmp, 'Dockerfile'), 'FROM node:latest\nUSER node\nCMD ["node", "server.js"]\n');
    fs.mkdirSync(path.join(tmp, 'legacy'));
    fs.writeFileSync(path.join(tmp, 'legacy', 'Dockerfile'), 'FROM node:20.11-alpine\nENV API_TOKEN=abc123def456\n');
    const before = JSON.parse(run('check', '.', '--format', 'json').stdout) as { findings: { ruleId: string; file: string }[] };
    assert.ok(before.findings.some((f) => f.ruleId === 'unpinned-image'));
    fs.writeFileSync(path.join(tmp, '.seaworthy.yaml'), 'rules:\n  unpinned-image: off\nignore: [legacy]\n');
    const after = run('check', '.', '--format', 'json');
    const data = JSON.parse(after.stdout) as { findings: { ruleId: string; file: string }[] };
    assert.ok(!data.findings.some((f) => f.ruleId === 'unpinned-image' || f.file.startsWith('legacy')), after.stdout);
    fs.writeFileSync(path.join(tmp, '.seaworthy.yaml'), 'rules:\n  unpinned-image: off\n  no-such-rule: error\n');
    for (const cmd of ['check', 'fix']) {
      const broken = run(cmd, '.');
      assert.strictEqual(broken.status, 2, cmd);
      assert.match(broken.stderr, /\.seaworthy\.yaml:3:3: Unknown rule id "no-such-rule"/);
      assert.doesNotMatch(broken.stderr, /\n\s+at /);
    }
  });
  it('an invalid ignore glob is an error on its own line; the valid entries still apply', () => {
    const file = path.join(tmp, '.seaworthy.yaml');
    const l = parseProjectConfig(file, 'ignore:\n  - "{a,b"\n  - "[z-a]"\n  - legacy/**\n');
    assert.deepStrictEqual(l.errors.map((e) => `${e.line}:${e.column}`), ['2:5', '3:5']);
    assert.match(l.errors[0].message, /^`ignore` entry "\{a,b" is not a valid glob: "\{" at character 1 is never closed by "\}"/);
    assert.match(l.errors[1].message, /^`ignore` entry "\[z-a\]" is not a valid glob: "z-a" in "\[z-a\]" is not a range/);
    assert.match(l.errors[1].message, /left out; the other entries apply\.$/);
    assert.deepStrictEqual(l.config.ignore, ['legacy/**']);
    assert.ok(isIgnoredBy(l, path.join(tmp, 'legacy', 'Dockerfile')));
    assert.ok(!isIgnoredBy(l, path.join(tmp, 'a', 'Dockerfile')) && !isIgnoredBy(l, path.join(tmp, 'z', 'Dockerfile')));
  });

  it('matches `**/**/…` ignore globs on deep paths without exponential backtracking', () => {
    // 24 levels took minutes with the old glob-to-RegExp conversion (mocha's timeout fails the test).
    const stars = Array(24).fill('**').join('/');
    const deep = Array(24).fill('a').join('/');
    const l = parseProjectConfig(path.join(tmp, '.seaworthy.yaml'), `ignore: ["${stars}/x", "${Array(24).fill('**/a').join('/')}/z"]\n`);
    assert.deepStrictEqual(l.errors, []);
    assert.ok(!isIgnoredBy(l, path.join(tmp, deep, 'y')), 'no x or z segment: not ignored');
    assert.ok(isIgnoredBy(l, path.join(tmp, deep, 'x')), '**/…/x matches x under any number of folders');
    assert.ok(isIgnoredBy(l, path.join(tmp, deep, 'z')), '24 × **/a then z: the path has 24 a folders');
    assert.ok(!isIgnoredBy(l, path.join(tmp, Array(23).fill('a').join('/'), 'z')), 'only 23 a folders');
  });

  it('refuses a glob whose {…} alternatives would expand past the limit', () => {
    const l = parseProjectConfig(path.join(tmp, '.seaworthy.yaml'), `ignore: ["${'{a,b}'.repeat(11)}", "*.tmp.yaml"]\n`);
    assert.strictEqual(l.errors.length, 1);
    assert.match(l.errors[0].message, /expand to more than 1,000 patterns/);
    assert.deepStrictEqual(l.config.ignore, ['*.tmp.yaml']);
  });

  it('the CLI reports an invalid ignore glob as a configuration error, not an internal error', () => {
    const bin = path.join(repoRoot, 'bin', 'seaworthy.js');
    fs.writeFileSync(path.join(tmp, 'Dockerfile'), 'FROM node:20.11-alpine\n');
    for (const glob of ['{a,b', '[z-a]']) {
      fs.writeFileSync(path.join(tmp, '.seaworthy.yaml'), `ignore: ["${glob}"]\n`);
      for (const cmd of ['check', 'fix', 'report']) {
        const r = spawnSync(process.execPath, [bin, cmd, '.'], { cwd: tmp, encoding: 'utf8', timeout: 60000 });
        assert.strictEqual(r.status, 2, `${cmd} ${glob}: ${r.stderr}`);
        assert.ok(r.stderr.includes(`.seaworthy.yaml:1:10: \`ignore\` entry "${glob}" is not a valid glob`), `${cmd} ${glob}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      }
    }
  });
});
