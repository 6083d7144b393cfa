import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..', '..', '..');

interface Step { name: string; id?: string; shell?: string; run?: string; uses?: string; if?: string; env?: Record<string, string>; with?: Record<string, string> }
interface Action { runs: { using: string; steps: Step[] }; inputs: Record<string, { default: string }>; outputs: Record<string, { value: string }> }

/**
 * action.yml's shell steps run as the runner runs them: `${{ inputs.* }}` replaced by the inputs,
 * bash, GITHUB_OUTPUT a file, `seaworthy` on PATH (as the install step leaves it).
 */
describe('GitHub Action (action.yml)', function () {
  this.timeout(60000);
  let tmp: string, repo: string, binDir: string;
  const action = parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as Action;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-action-'));
    binDir = path.join(tmp, 'bin');
    fs.mkdirSync(binDir);
    fs.writeFileSync(path.join(binDir, 'seaworthy'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(root, 'bin', 'seaworthy.js')}" "$@"\n`, { mode: 0o755 });
    repo = path.join(tmp, 'repo');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'deploy'));
    fs.mkdirSync(path.join(repo, 'docs'));
    fs.writeFileSync(path.join(repo, 'deploy', 'compose.yaml'), 'services:\n  web:\n    image: shop/web:1.2.3\n    restart: always\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function runStep(id: string, inputs: Record<string, string>): { code: number | null; out: string; outputs: Record<string, string> } {
    const step = action.runs.steps.find((s) => s.id === id || s.name === id)!;
    assert.strictEqual(step.shell, 'bash');
    const values: Record<string, string> = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? '']));
    Object.assign(values, inputs);
    const expand = (s: string) => s.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, k: string) => values[k] ?? '');
    const outputFile = path.join(tmp, `output-${id}`);
    fs.writeFileSync(outputFile, '');
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: [binDir, process.env.PATH].join(path.delimiter), GITHUB_OUTPUT: outputFile };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v);
    assert.ok(!/\$\{\{/.test(step.run!), 'no expression is pasted into the script itself (script injection)');
    const r = spawnSync('bash', ['-e', '-c', step.run!], { cwd: repo, env, encoding: 'utf8' });
    const outputs = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    return { code: r.status, out: r.stdout + r.stderr, outputs };
  }

  it('is a composite action that uploads the SARIF it writes, and fails the job on the check\'s exit code', () => {
    assert.strictEqual(action.runs.using, 'composite');
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    assert.strictEqual(upload.with?.sarif_file, '${{ inputs.sarif-file }}');
    const fail = action.runs.steps[action.runs.steps.length - 1];
    assert.match(fail.if!, /steps\.check\.outputs\.exit-code != '0'/);
    assert.strictEqual(action.outputs['exit-code'].value, '${{ steps.check.outputs.exit-code }}');
  });

  it('the install step keeps a seaworthy already on PATH and prints its version', () => {
    const r = runStep('Install seaworthy', {});
    assert.strictEqual(r.code, 0, r.out);
    assert.match(r.out, /^\d+\.\d+\.\d+/m);
  });

  it('the check step writes SARIF, prints annotations and records exit code 1 for an error', () => {
    const r = runStep('check', { paths: 'deploy docs' });
    assert.strictEqual(r.code, 0, r.out);
    assert.strictEqual(r.outputs['exit-code'], '1');
    assert.match(r.out, /^::error file=deploy\/compose.yaml,line=6,endLine=6,col=9,endColumn=29,title=Seaworthy host-socket-mount::/m);
    const sarif = JSON.parse(fs.readFileSync(path.join(repo, 'seaworthy.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    assert.ok(sarif.runs[0].results.some((x) => x.ruleId === 'host-socket-mount'));
  });

  it('records exit code 2 for a folder with nothing to check, and 0 with allow-empty', () => {
    assert.strictEqual(runStep('check', { paths: 'docs' }).outputs['exit-code'], '2');
    assert.strictEqual(runStep('check', { paths: 'docs', 'allow-empty': 'true', 'sarif-file': 'empty.sarif' }).outputs['exit-code'], '0');
  });
});
