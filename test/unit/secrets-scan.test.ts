import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { scanTokens, tokenName } from '../../server/src/engine/secrets-scan';
import { SourceText } from '../../server/src/model/range';
import { repoRoot } from './helpers';

// Test tokens built from parts so that no complete token sits in the source.
const GITHUB = 'ghp_' + 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pIN';
const texts = Array.from({ length: 12 }, (_, i) => [
  `GITHUB_TOKEN=${GITHUB}${String(i).padStart(2, '0')}`,
  `url: https://deploy:Kx8vQ2pLm${i}@registry.example.com/v2`,
  '',
].join('\n'));

describe('secret token scan (secretlint)', function () {
  this.timeout(60000);

  it('survives many overlapping scans: no unhandled rejection, every result right, no process-wide marks touched or kept', async () => {
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => { rejections.push(e); };
    process.on('unhandledRejection', onRejection);
    performance.mark('seaworthy-test-own-mark');
    try {
      // Scans that start on different turns of the event loop, as the server's debounced analyses do:
      // started all in one turn, their profiler marks never interleave with another scan's clean-up.
      const scans: Promise<{ text: string; found: string[] }>[] = [];
      for (let i = 0; i < 300; i++) {
        const text = texts[i % texts.length];
        scans.push(scanTokens(text, new SourceText(text)).then((m) => ({ text, found: m.map((x) => x.ruleId).sort() })));
        if (i % 3 === 0) await new Promise<void>((r) => setImmediate(r));
      }
      const results = await Promise.all(scans);
      await new Promise<void>((r) => setTimeout(r, 50));
      assert.strictEqual(rejections.length, 0, `unhandled rejections: ${String(rejections[0]).slice(0, 200)}`);
      for (const r of results) {
        assert.deepStrictEqual(r.found, ['@secretlint/secretlint-rule-basicauth', '@secretlint/secretlint-rule-github'], r.text.slice(0, 20));
      }
      assert.deepStrictEqual(performance.getEntriesByName('seaworthy-test-own-mark').length, 1, 'the process\'s own performance marks were cleared');
      assert.deepStrictEqual(performance.getEntriesByType('mark').filter((m) => m.name.includes('@core>')).map((m) => m.name), [], 'secretlint left profiler marks behind');
    } finally {
      process.off('unhandledRejection', onRejection);
      performance.clearMarks('seaworthy-test-own-mark');
    }
  });

  it('in the bundled CLI, switches off the profiler @secretlint/core uses (no performance mark at all)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-profiler-'));
    try {
      for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(dir, `Dockerfile.${i}`), `FROM alpine:3.19\nENV GITHUB_TOKEN=${GITHUB}0${i}\n`);
      // Counts performance.mark calls in the CLI process: esbuild must not have bundled a second, still enabled, profiler.
      const counter = path.join(dir, 'count-marks.js');
      fs.writeFileSync(counter, [
        "const { performance } = require('perf_hooks'); let n = 0; const mark = performance.mark.bind(performance);",
        'performance.mark = (...a) => { n++; return mark(...a); };',
        "process.on('exit', () => process.stderr.write(`marks=${n}\\n`));",
      ].join('\n'));
      const r = spawnSync(process.execPath, ['-r', counter, path.join(repoRoot, 'bin', 'seaworthy.js'), 'check', dir, '--format', 'json'], { encoding: 'utf8' });
      const found = (JSON.parse(r.stdout) as { findings: { ruleId: string }[] }).findings.filter((f) => f.ruleId === 'hardcoded-secret');
      assert.strictEqual(found.length, 3, r.stderr);
      assert.match(r.stderr, /marks=0\n/);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('secret token names in messages', () => {
  it('come from secretlint\'s English message, never its identifiers (NPM_ACCESS_TOKEN, PostgreSQLConnection)', () => {
    assert.strictEqual(tokenName('found npm access token: npm_xxxx', 'NPM_ACCESS_TOKEN'), 'npm access token');
    assert.strictEqual(tokenName('found PostgreSQL connection string: postgres://u:p@h/db', 'PostgreSQLConnection'), 'PostgreSQL connection string');
    assert.strictEqual(tokenName('found GitHub Token(ghp): ghp_xxxx', 'GITHUB_TOKEN'), 'GitHub Token');
    assert.strictEqual(tokenName(undefined, 'NPM_ACCESS_TOKEN'), 'npm access token');
    assert.strictEqual(tokenName(undefined, 'PostgreSQLConnection'), 'postgre sql connection');
    assert.strictEqual(tokenName(undefined, undefined), 'secret token');
  });

  it('a real scan names an npm token in words', async () => {
    const text = `RUN echo //registry.npmjs.org/:_authToken=npm_${'a1B2c3D4e5'.repeat(3)}aBcDeF > .npmrc\n`;
    const [hit] = await scanTokens(text, new SourceText(text));
    assert.ok(hit, 'found');
    assert.doesNotMatch(hit.typeName, /[A-Z]{3,}_|[a-z][A-Z]/, hit.typeName);
  });
});
