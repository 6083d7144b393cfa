/**
 * Compose projects as `docker compose` reads them: `.env` interpolation, overlays merged over their base,
 * `extends`/`include`, `!reset`/`!override`, anchors reported once, and env files judged for committed
 * secrets. Fixtures: test/fixtures/workspaces/compose-project (see its README for the real projects they
 * come from).
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AnalysisResult } from '../../server/src/engine/analyze';
import { substitute } from '../../server/src/knowledge/interpolation';
import { composeProject } from '../../server/src/workspace/compose-project';
import { isCommittedEnvFile, readFromDisk } from '../../server/src/workspace/env-files';
import { analyzeFile, fixturesDir, lines } from './helpers';

const DIR = path.join(fixturesDir, 'workspaces', 'compose-project');
const at = (...p: string[]) => path.join(DIR, ...p);
const rulesAt = (r: AnalysisResult, line: number) => r.findings.filter((f) => f.range.start.line + 1 === line).map((f) => f.ruleId).sort();

describe('Compose projects: .env interpolation', () => {
  it('reads the database image from ${POSTGRES_IMAGE} in .env, so the unmounted data directory is found', async () => {
    const r = await analyzeFile(at('override', 'compose.yaml'));
    assert.deepStrictEqual(lines(r, 'database-without-volume'), [8]);
  });

  it('resolves ports from .env before defaults, and keeps the range of the text written', () => {
    const p = composeProject(at('override', 'compose.yaml'), fs.readFileSync(at('override', 'compose.yaml'), 'utf8'), readFromDisk);
    const web = p.model.services.find((s) => s.name === 'web')!;
    assert.deepStrictEqual(web.ports.map((x) => [x.published, x.target, x.dynamic]), [['8081', '80', false]]);
    assert.strictEqual(web.ports[0].range.start.line, 14);
    const db = p.model.services.find((s) => s.name === 'db')!;
    assert.deepStrictEqual([db.image?.repository, db.image?.tag, db.image?.dynamic], ['postgres', '16.4', false]);
  });

  it('substitutes as Compose does: `$$` is a literal dollar, `:+` gives the alternative, `:?` the value', () => {
    const vars = new Map([['A', 'x'], ['E', '']]);
    assert.strictEqual(substitute('$$A-${A}', vars, true), '$$A-x');
    assert.strictEqual(substitute('$$A', vars), '$x', 'a Dockerfile has no `$$` escape');
    assert.strictEqual(substitute('${A:+on}|${E:+on}|${E+set}', vars), 'on||set');
    assert.strictEqual(substitute('${A:?required}', vars), 'x');
    assert.strictEqual(substitute('${MISSING:?required}', vars), undefined);
  });
});

describe('Compose projects: overlays merged over their base', () => {
  it('does not call a property the base sets missing in the override, and reports the base\'s problems only in the base', async () => {
    const over = await analyzeFile(at('override', 'compose.override.yaml'));
    // web's restart, limits and pids come from the base's anchor; db's missing healthcheck is the base's.
    assert.deepStrictEqual(rulesAt(over, 2), []);
    assert.deepStrictEqual(rulesAt(over, 5), []);
    const base = await analyzeFile(at('override', 'compose.yaml'));
    assert.ok(rulesAt(base, 7).includes('missing-healthcheck'));
  });

  it('judges what the override adds on the merged service: a postgres (image from the base and .env) published on all interfaces', async () => {
    const over = await analyzeFile(at('override', 'compose.override.yaml'));
    assert.deepStrictEqual(lines(over, 'database-port-published'), [7]);
  });

  it('honours !reset and !override: a reset restart policy and a replaced volume list are the overlay\'s problems, at its service', async () => {
    const r = await analyzeFile(at('reset', 'compose.prod.yaml'));
    assert.deepStrictEqual(lines(r, 'missing-restart-policy'), [2]);
    const lost = r.findings.find((f) => f.ruleId === 'database-without-volume');
    assert.ok(lost, 'the replaced volumes leave the data directory unmounted');
    assert.strictEqual(lost.range.start.line + 1, 2);
    assert.deepStrictEqual(lost.related?.map((x) => [path.basename(x.file ?? ''), x.range.start.line + 1]), [['compose.yaml', 3]]);
    // The base on its own mounts the volume and sets the policy.
    const base = await analyzeFile(at('reset', 'compose.yaml'));
    assert.deepStrictEqual([...lines(base, 'database-without-volume'), ...lines(base, 'missing-restart-policy')], []);
  });

  it('merges per the specification: environment by name, volumes by target, ports appended, command replaced', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-merge-'));
    try {
      fs.writeFileSync(path.join(tmp, 'compose.yaml'), [
        'services:', '  app:', '    image: example/app:1.0.0', '    command: ["serve", "--all"]',
        '    environment:', '      - A=1', '      - B=2', '    volumes:', '      - data:/data', '      - ./conf:/conf:ro',
        '    ports:', '      - "80:80"', 'volumes:', '  data:', ''].join('\n'));
      const overlay = ['services:', '  app:', '    command: ["work"]', '    environment:', '      - B=3', '    volumes:', '      - other:/data',
        '    ports:', '      - "443:443"', ''].join('\n');
      fs.writeFileSync(path.join(tmp, 'compose.override.yaml'), overlay);
      const p = composeProject(path.join(tmp, 'compose.override.yaml'), overlay, readFromDisk);
      const app = p.ruleModel.services.find((s) => s.name === 'app')!;
      assert.deepStrictEqual(app.environment.map((e) => `${e.name}=${e.value}`), ['A=1', 'B=3']);
      assert.deepStrictEqual(app.volumes.map((v) => `${v.source?.value}:${v.target?.value}`), ['./conf:/conf', 'other:/data']);
      assert.deepStrictEqual(app.ports.map((x) => x.published), ['80', '443']);
      assert.deepStrictEqual(app.command?.words.map((w) => w.value), ['work']);
      assert.strictEqual(app.image?.raw, 'example/app:1.0.0');
    } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
  });

  it('takes an override kept in a subfolder as an overlay of the base above, with paths relative to the base', async () => {
    const r = await analyzeFile(at('catalogue', 'overrides.d', 'BUILD', 'compose.override.yaml'));
    assert.deepStrictEqual([...lines(r, 'missing-build-context'), ...lines(r, 'missing-restart-policy')], []);
  });

  it('leaves a file that runs on its own alone (no partial service, no override name)', async () => {
    const p = composeProject(at('extends', 'common.yaml'), fs.readFileSync(at('extends', 'common.yaml'), 'utf8'), readFromDisk);
    assert.strictEqual(p.base, undefined);
  });
});

describe('Compose projects: extends and include', () => {
  it('judges a service on what it extends (another file, then the same file)', async () => {
    const r = await analyzeFile(at('extends', 'compose.yaml'));
    for (const rule of ['missing-restart-policy', 'missing-resource-limits', 'missing-pids-limit']) assert.deepStrictEqual(lines(r, rule), [10], rule);
  });

  it('adds the services of included files without reporting their problems again', async () => {
    const r = await analyzeFile(at('include', 'compose.yaml'));
    assert.deepStrictEqual(rulesAt(r, 1), []);
    assert.deepStrictEqual(lines(r, 'depends-on-without-health'), [7]);
    const p = composeProject(at('include', 'compose.yaml'), fs.readFileSync(at('include', 'compose.yaml'), 'utf8'), readFromDisk);
    assert.deepStrictEqual(p.ruleModel.services.map((s) => s.name).sort(), ['app', 'db']);
  });
});

describe('Compose projects: YAML anchors', () => {
  it('reports a problem written once under an anchor once, naming the services that inherit it', async () => {
    const r = await analyzeFile(at('override', 'compose.yaml'));
    const pinned = r.findings.filter((f) => f.ruleId === 'unpinned-image');
    assert.strictEqual(pinned.length, 1);
    assert.strictEqual(pinned[0].range.start.line + 1, 5);
    const heirs = (pinned[0].related ?? []).map((x) => /"([^"]+)"/.exec(x.message)?.[1]).sort();
    assert.strictEqual(heirs.length, 2);
    assert.ok(['cron', 'web', 'worker'].every((s) => pinned[0].message.includes(`"${s}"`) || heirs.includes(s)));
  });
});

describe('Env files', () => {
  it('reports a literal secret in a committed .env at its line, with the Compose line that uses it', async () => {
    const r = await analyzeFile(at('override', '.env'));
    assert.strictEqual(r.kind, 'env');
    assert.deepStrictEqual(lines(r, 'hardcoded-secret'), [3]);
    const related = r.findings[0].related ?? [];
    assert.deepStrictEqual(related.map((x) => [path.basename(x.file ?? ''), x.range.start.line + 1]), [['compose.yaml', 11]]);
    assert.ok(!r.findings[0].message.includes('Zq8vN3kL0pW7xR2t'), 'the value is masked');
  });

  it('does not judge env templates (.env.example, *.env.example)', async () => {
    for (const f of [at('override', '.env.example'), at('templates', 'app.env.example')]) {
      const r = await analyzeFile(f);
      assert.strictEqual(r.kind, 'env', f);
      assert.deepStrictEqual(r.findings, [], f);
    }
  });

  it('outside git, judges every env file not named like a template; in git, not the ignored ones', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-env-'));
    try {
      for (const n of ['.env', 'db.env', '.env.sample', '.env.dist', 'app.env.template']) fs.writeFileSync(path.join(tmp, n), 'A=1\n');
      assert.deepStrictEqual(['.env', 'db.env', '.env.sample', '.env.dist', 'app.env.template'].map((n) => isCommittedEnvFile(path.join(tmp, n))), [true, true, false, false, false]);
      // A .gitignore beside it (as `seaworthy fix` writes when it moves a secret there) keeps it out of commits.
      fs.writeFileSync(path.join(tmp, '.gitignore'), 'db.env\n');
      assert.strictEqual(isCommittedEnvFile(path.join(tmp, 'db.env')), false);
      execFileSync('git', ['init', '-q'], { cwd: tmp });
      fs.writeFileSync(path.join(tmp, '.gitignore'), '.env\n');
      assert.strictEqual(isCommittedEnvFile(path.join(tmp, '.env')), false, 'ignored: never committed');
      assert.strictEqual(isCommittedEnvFile(path.join(tmp, 'db.env')), true, 'not ignored: will be committed');
    } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
  });
});
