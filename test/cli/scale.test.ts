/**
 * Issue #18: parallel scans, the re-run cache and CI shards must change how fast `check` is, never what
 * it prints. Every test runs the built CLI as a user would.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot, testCorpusDir } from '../unit/helpers';

const bin = path.join(repoRoot, 'bin', 'seaworthy.js');

function run(args: string[], cwd = repoRoot, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 180000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const corpus = path.relative(repoRoot, testCorpusDir);

describe('check in worker threads (--jobs)', function () {
  this.timeout(300000);
  for (const format of ['json', 'sarif', 'text']) {
    it(`prints the test corpus byte for byte as the sequential run (${format})`, () => {
      const one = run(['check', corpus, '--format', format, '--jobs', '1']);
      const two = run(['check', corpus, '--format', format, '--jobs', '2']);
      assert.strictEqual(one.code, 1, one.err);
      assert.ok(one.out.length > 10000, 'the corpus has findings');
      assert.strictEqual(two.code, one.code);
      assert.ok(two.out === one.out, 'outputs differ');
      assert.strictEqual(two.err, one.err);
    });
  }

  it('resolves references to objects in files another thread analyses, as the sequential run does', () => {
    // 60 folders (more than one batch each way): the Deployment in the first one uses a ConfigMap and a
    // Secret defined only in the last folder, and one that exists nowhere.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-jobs-'));
    try {
      for (let i = 0; i < 60; i++) {
        const d = path.join(dir, `svc${String(i).padStart(2, '0')}`);
        fs.mkdirSync(d);
        fs.writeFileSync(path.join(d, 'Dockerfile'), 'FROM alpine:3.20\nUSER app\nCMD ["./run"]\n');
      }
      fs.writeFileSync(path.join(dir, 'svc00', 'deploy.yaml'), [
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: api}', 'spec:', '  selector: {matchLabels: {app: api}}', '  template:',
        '    metadata: {labels: {app: api}}', '    spec:', '      containers:', '        - name: api', '          image: alpine:3.20',
        '          envFrom:', '            - configMapRef: {name: far-config}', '            - secretRef: {name: far-secret}', '            - configMapRef: {name: nowhere-config}', '',
      ].join('\n'));
      // (The rule judges a folder's references only when the folder defines objects of that kind itself.)
      fs.writeFileSync(path.join(dir, 'svc00', 'local.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: local-config}\ndata: {C: d}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: local-secret}\nstringData: {D: ${D}}\n');
      fs.writeFileSync(path.join(dir, 'svc59', 'config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: far-config}\ndata: {A: b}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: far-secret}\nstringData: {B: ${B}}\n');
      const one = run(['check', '.', '--format', 'json', '--jobs', '1'], dir);
      const two = run(['check', '.', '--format', 'json', '--jobs', '2'], dir);
      assert.strictEqual(two.out, one.out);
      const dangling = (JSON.parse(one.out) as { findings: { ruleId: string; message: string }[] }).findings.filter((f) => f.ruleId === 'dangling-config-reference');
      assert.deepStrictEqual(dangling.map((f) => /nowhere-config/.test(f.message)), [true], 'only the reference to nothing is dangling');
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('rejects a --jobs that is not a whole number of at least 1', () => {
    const r = run(['check', corpus, '--jobs', '0']);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /--jobs needs a whole number/);
  });
});

describe('check --shard and merge', function () {
  this.timeout(300000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-shard-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const format of ['json', 'sarif']) {
    it(`merges 4 shards into the unsharded output, score included (${format})`, () => {
      const whole = run(['check', corpus, '--format', format, '--jobs', '1']);
      const outs: string[] = [];
      const shares: string[][] = [];
      for (let i = 1; i <= 4; i++) {
        const r = run(['check', corpus, '--format', format, '--shard', `${i}/4`]);
        assert.ok(r.code === 0 || r.code === 1, r.err);
        const file = path.join(tmp, `shard${i}.${format}`);
        fs.writeFileSync(file, r.out);
        outs.push(file);
        const data = JSON.parse(r.out) as { seaworthyShard?: unknown; runs?: { properties: { seaworthyShard: unknown } }[] };
        const payload = (data.runs ? data.runs[0].properties.seaworthyShard : data.seaworthyShard) as { output: { scanned: { file: string }[] } };
        shares.push(payload.output.scanned.map((f) => f.file));
        assert.ok(payload.output.scanned.length > 20, `shard ${i} has a real share`);
      }
      // Shards in any order on the command line.
      const merged = run(['merge', outs[2], outs[0], outs[3], outs[1]]);
      assert.strictEqual(merged.code, whole.code, merged.err);
      assert.ok(merged.out === whole.out, 'merged output differs from the unsharded run');
      assert.strictEqual(new Set(shares.flat()).size, shares.flat().length, 'no file in two shards');
      if (format === 'sarif') assert.strictEqual((JSON.parse(merged.out) as { runs: { properties: { score: number } }[] }).runs[0].properties.score, (JSON.parse(whole.out) as { runs: { properties: { score: number } }[] }).runs[0].properties.score);
    });
  }

  it('keeps a Compose project and the Dockerfiles under it in one shard, the same one every run', () => {
    const dir = path.join(tmp, 'mono');
    for (let s = 0; s < 12; s++) {
      fs.mkdirSync(path.join(dir, `svc${s}`, 'app'), { recursive: true });
      fs.writeFileSync(path.join(dir, `svc${s}`, 'compose.yaml'), `services:\n  app:\n    build: ./app\n`);
      fs.writeFileSync(path.join(dir, `svc${s}`, 'app', 'Dockerfile'), 'FROM alpine:3.19\nCMD ["true"]\n');
    }
    const shardOf = new Map<string, number>();
    for (let i = 1; i <= 3; i++) {
      const r = run(['check', 'mono', '--format', 'json', '--shard', `${i}/3`], tmp);
      const again = run(['check', 'mono', '--format', 'json', '--shard', `${i}/3`], tmp);
      assert.strictEqual(again.out, r.out, 'a shard is deterministic');
      const findings = (JSON.parse(r.out) as { seaworthyShard: { output: { findings: { file: string }[] } } }).seaworthyShard.output.findings;
      for (const x of findings) shardOf.set(x.file, i);
    }
    for (let s = 0; s < 12; s++) {
      const c = shardOf.get(path.join('mono', `svc${s}`, 'compose.yaml'));
      const d = shardOf.get(path.join('mono', `svc${s}`, 'app', 'Dockerfile'));
      assert.ok(c !== undefined && d !== undefined, `svc${s} has findings in both files`);
      assert.strictEqual(c, d, `svc${s}: Compose file and Dockerfile in different shards`);
    }
    assert.ok(new Set(shardOf.values()).size > 1, 'the groups spread over the shards');
  });

  it('refuses to merge an incomplete or mixed set of shards', () => {
    const a = run(['check', 'examples', '--format', 'json', '--shard', '1/3']);
    fs.writeFileSync(path.join(tmp, 'a.json'), a.out);
    const r = run(['merge', path.join(tmp, 'a.json')]);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /shards 2\/3, 3\/3 missing/);
    fs.writeFileSync(path.join(tmp, 'plain.json'), run(['check', 'examples', '--format', 'json']).out);
    assert.match(run(['merge', path.join(tmp, 'plain.json')]).err, /has no shard data/);
    assert.match(run(['check', 'examples', '--shard', '5/4']).err, /--shard needs i\/n/);
  });
});

describe('check --cache', function () {
  this.timeout(300000);
  let dir: string;
  const write = (rel: string, text: string) => { fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true }); fs.writeFileSync(path.join(dir, rel), text); };
  /** The files a cached run analysed again (the rest came from the cache), and its output. */
  const cached = (extra: string[] = []) => {
    const r = run(['check', '.', '--format', 'json', '--cache', ...extra], dir, { SEAWORTHY_TRACE_ANALYSED: '1' });
    const analysed = [...r.err.matchAll(/^seaworthy: analysed (.*)$/gm)].map((m) => m[1]).sort();
    return { ...r, analysed };
  };
  // .env is analysed too (env files are checked for committed secrets).
  const all = ['.env', 'api/Dockerfile', 'compose.yaml', 'k8s/deploy.yaml', 'k8s/secret.yaml', 'other/Dockerfile', 'web/Dockerfile'];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-cache-'));
    write('compose.yaml', 'services:\n  api:\n    build: ./api\n    env_file: .env\n  web:\n    build: ./web\n');
    write('.env', 'LOG_LEVEL=info\n');
    write('api/Dockerfile', 'FROM node:latest\nCMD ["node", "server.js"]\n');
    write('web/Dockerfile', 'FROM nginx:1.25\n');
    write('other/Dockerfile', 'FROM alpine\nRUN apk add curl\n');
    write('k8s/deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1.0\n          envFrom:\n            - secretRef: {name: api-env}\n');
    write('k8s/secret.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated}\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('skips unchanged files and prints the same output', () => {
    const cold = cached();
    assert.deepStrictEqual(cold.analysed, all);
    assert.ok(fs.existsSync(path.join(dir, '.seaworthycache')));
    assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temporary file left');
    const warm = cached();
    assert.deepStrictEqual(warm.analysed, []);
    assert.strictEqual(warm.out, cold.out);
    assert.strictEqual(warm.code, cold.code);
  });

  it('re-analyses a changed Dockerfile and the Compose file that builds it, nothing else', () => {
    cached();
    write('api/Dockerfile', 'FROM node:20.11\nCMD ["node", "server.js"]\n');
    const r = cached();
    assert.deepStrictEqual(r.analysed, ['api/Dockerfile', 'compose.yaml']);
    // The Compose file's findings about the image it builds follow the Dockerfile (same as a cold run).
    fs.rmSync(path.join(dir, '.seaworthycache'));
    assert.strictEqual(r.out, cached().out);
  });

  it('is invalidated by an env file the Compose file reads', () => {
    cached();
    write('.env', 'LOG_LEVEL=debug\n');
    assert.deepStrictEqual(cached().analysed, ['.env', 'compose.yaml']);
    fs.rmSync(path.join(dir, '.env'));
    assert.deepStrictEqual(cached().analysed, ['compose.yaml']);
  });

  it('is invalidated by the manifests a manifest resolves references against', () => {
    cached();
    write('k8s/secret.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: api-env}\n');
    const r = cached();
    assert.deepStrictEqual(r.analysed, ['k8s/deploy.yaml', 'k8s/secret.yaml']);
    fs.rmSync(path.join(dir, '.seaworthycache'));
    assert.strictEqual(r.out, cached().out);
  });

  it('is invalidated by the project configuration and by the flags that change the configuration', () => {
    cached();
    write('.seaworthy.yaml', 'rules:\n  unpinned-image: off\n');
    // (A new .seaworthy.yaml is itself a YAML file of the run.)
    const r = cached();
    assert.deepStrictEqual(r.analysed, ['.seaworthy.yaml', ...all].sort());
    assert.ok(!r.out.includes('unpinned-image'));
    write('other/.seaworthy.yaml', 'rules:\n  unpinned-image: warning\n');
    // The manifests too: a new YAML file could be a manifest of the catalogue their references resolve against.
    assert.deepStrictEqual(cached().analysed, ['k8s/deploy.yaml', 'k8s/secret.yaml', 'other/.seaworthy.yaml', 'other/Dockerfile']);
  });

  it('is invalidated by another Seaworthy build', () => {
    cached();
    const file = path.join(dir, '.seaworthycache');
    const [header, body] = [fs.readFileSync(file, 'utf8').split('\n')[0], fs.readFileSync(file, 'utf8').slice(fs.readFileSync(file, 'utf8').indexOf('\n'))];
    const h = JSON.parse(header) as { tool: string };
    h.tool = `0.0.1${h.tool.slice(h.tool.indexOf('\u0000'))}`;
    fs.writeFileSync(file, JSON.stringify(h) + body);
    assert.deepStrictEqual(cached().analysed, all);
    assert.deepStrictEqual(cached().analysed, []);
  });

  it('ignores a corrupt cache with a note, and rewrites it', () => {
    const cold = cached();
    const good = fs.readFileSync(path.join(dir, '.seaworthycache'), 'utf8');
    const cut = good.indexOf('\n');
    const junks = [
      '{"format": 1, "tool": "x", "entr', 'null', '\u0000\u0001binary',
      good.slice(0, good.length - 40),                                    // cut short
      good.slice(0, cut + 1) + good.slice(cut + 1).replace(/"findings":\[/, '"findings":7,"x":['),  // damaged records
    ];
    for (const junk of junks) {
      fs.writeFileSync(path.join(dir, '.seaworthycache'), junk);
      const r = cached();
      assert.strictEqual(r.code, cold.code, r.err);
      assert.strictEqual(r.out, cold.out);
      assert.match(r.err, /seaworthy: note: the cache \.seaworthycache could not be read/);
      assert.ok(!r.err.includes('"entr'), 'the note does not quote the file');
      assert.deepStrictEqual(r.analysed, all);
      assert.deepStrictEqual(cached().analysed, [], 'rewritten');
    }
  });

  it('keeps the cache where --cache-location says', () => {
    const r = cached(['--cache-location', 'sub.cache']);
    assert.deepStrictEqual(r.analysed, all);
    assert.ok(fs.existsSync(path.join(dir, 'sub.cache')) && !fs.existsSync(path.join(dir, '.seaworthycache')));
    assert.deepStrictEqual(cached(['--cache-location', 'sub.cache']).analysed, []);
  });
});
