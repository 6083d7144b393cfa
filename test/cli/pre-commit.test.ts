import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureDebianTools } from '../debian-tools';

const root = path.resolve(__dirname, '..', '..', '..');

/**
 * The repository's .pre-commit-hooks.yaml, run by the real pre-commit from Debian's packages
 * (scripts/ci/debian-tools.sh installs it when missing) as a user's repository would: a git repository
 * whose .pre-commit-config.yaml points at a hooks repository holding that file, `pre-commit install`,
 * then `git commit`s that the hook blocks or lets through.
 */
describe('pre-commit hook (.pre-commit-hooks.yaml) with the real pre-commit', function () {
  this.timeout(20 * 60 * 1000);   // the first run on a fresh machine installs pre-commit with apt
  let tmp: string, project: string, env: NodeJS.ProcessEnv;
  const sh = (cmd: string, args: string[], cwd: string) => spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120000 });
  /** stdout, then stderr (git gives hooks' output to stderr). */
  const ok = (cmd: string, args: string[], cwd: string) => {
    const r = sh(cmd, args, cwd);
    assert.strictEqual(r.status, 0, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    return r.stdout + r.stderr;
  };

  before(() => {
    ensureDebianTools();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-precommit-'));
    // `seaworthy` on PATH, as `npm install -g seaworthy` puts it there (language: system).
    const binDir = path.join(tmp, 'bin');
    fs.mkdirSync(binDir);
    fs.writeFileSync(path.join(binDir, 'seaworthy'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(root, 'bin', 'seaworthy.js')}" "$@"\n`, { mode: 0o755 });
    env = {
      ...process.env,
      PATH: [binDir, process.env.PATH].join(path.delimiter),
      PRE_COMMIT_HOME: path.join(tmp, 'pre-commit-cache'),
      GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com',
      GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
    };
    const hooks = path.join(tmp, 'hooks');
    fs.mkdirSync(hooks);
    fs.copyFileSync(path.join(root, '.pre-commit-hooks.yaml'), path.join(hooks, '.pre-commit-hooks.yaml'));
    ok('git', ['init', '-q', '-b', 'main'], hooks);
    ok('git', ['add', '.'], hooks);
    ok('git', ['commit', '-q', '-m', 'hooks'], hooks);
    const rev = sh('git', ['rev-parse', 'HEAD'], hooks).stdout.trim();
    project = path.join(tmp, 'project');
    fs.mkdirSync(path.join(project, '.github', 'workflows'), { recursive: true });
    ok('git', ['init', '-q', '-b', 'main'], project);
    fs.writeFileSync(path.join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hooks}\n    rev: ${rev}\n    hooks:\n      - id: seaworthy\n`);
    ok('pre-commit', ['install'], project);
    ok('git', ['add', '.pre-commit-config.yaml'], project);
    ok('git', ['commit', '-q', '-m', 'pre-commit'], project);
  });
  after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

  it('blocks a commit that adds a hardcoded secret, naming the rule and the line', () => {
    fs.writeFileSync(path.join(project, 'Dockerfile'), 'FROM node:20.11-alpine\nUSER node\nENV API_TOKEN=abc123def456ghi\nCMD ["node", "server.js"]\n');
    ok('git', ['add', 'Dockerfile'], project);
    const r = sh('git', ['commit', '-m', 'add the image'], project);
    assert.strictEqual(r.status, 1, r.stdout + r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /seaworthy\.+Failed/);
    assert.match(out, /3:15\s+error\s+ENV API_TOKEN holds a hardcoded secret.*hardcoded-secret/);
    assert.ok(!out.includes('abc123def456ghi'), 'no secret in the hook output');
    assert.strictEqual(sh('git', ['rev-parse', '-q', '--verify', 'HEAD~1'], project).status, 1, 'nothing was committed');
  });

  it('lets the commit through once the secret is gone, and ignores YAML that is not a container file', () => {
    fs.writeFileSync(path.join(project, 'Dockerfile'), 'FROM node:20.11-alpine\nUSER node\nCMD ["node", "server.js"]\n');
    ok('git', ['add', 'Dockerfile'], project);
    const passed = ok('git', ['commit', '-m', 'add the image'], project);
    assert.match(passed, /seaworthy\.+Passed/);
    // A workflow is YAML the hook is given, and not a container file: an empty scan, allowed.
    fs.writeFileSync(path.join(project, '.github', 'workflows', 'ci.yml'), 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n');
    ok('git', ['add', '.'], project);
    assert.match(ok('git', ['commit', '-m', 'ci'], project), /seaworthy\.+Passed/);
  });
});
