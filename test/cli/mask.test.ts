/**
 * Through the built CLI: every output masks the secret's own ranges and nothing else, and shows text
 * from files (controls, bidi, Markdown) as text. Secret values are made up and assembled at run time;
 * assertion messages name what leaked, never the value.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(root, 'bin', 'seaworthy.js');

function run(args: string[], cwd: string): string {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  assert.ok(r.status === 0 || r.status === 1, `seaworthy ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Every way a project is printed: check in three formats, the report in four, the dry-run fix. */
function allOutputs(cwd: string): Record<string, string> {
  return {
    'check text': run(['check', '.'], cwd),
    'check json': run(['check', '.', '--format', 'json'], cwd),
    'check sarif': run(['check', '.', '--format', 'sarif'], cwd),
    'report markdown': run(['report', '.', '--format', 'markdown'], cwd),
    'report html': run(['report', '.', '--format', 'html'], cwd),
    'report sarif': run(['report', '.', '--format', 'sarif'], cwd),
    'report json': run(['report', '.', '--format', 'json'], cwd),
    'fix --dry-run': run(['fix', '.', '--dry-run', '--unsafe'], cwd),
  };
}

describe('masking in every CLI output', function () {
  this.timeout(120000);
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-mask-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a secret that is also an ordinary word (postgres, sentry) is masked where it is the secret, and only there', () => {
    fs.writeFileSync(path.join(tmp, 'compose.yaml'), [
      'services:', '  db:', '    image: postgres:15-alpine', '    environment:', '      POSTGRES_PASSWORD: postgres', '      REPLICA_PASSWORD: "postgres"', '      LABEL: "postgres"',
      '    volumes:', '      - /var/lib/postgresql/data', '  web:', '    build: ./sentry', '    environment:', '      SECRET_KEY: sentry', '',
    ].join('\n'));
    fs.mkdirSync(path.join(tmp, 'sentry'));
    fs.writeFileSync(path.join(tmp, 'sentry', 'Dockerfile'), 'FROM python:3.12\nMAINTAINER ops@example.com\nENV APP_SECRET=sentry\nRUN echo "$APP_SECRET" > /dev/null\nCMD ["python", "app.py"]\n');
    const out = allOutputs(tmp);
    for (const [name, text] of Object.entries(out)) {
      for (const leak of ['POSTGRES_PASSWORD: postgres', 'POSTGRES_PASSWORD=postgres', 'REPLICA_PASSWORD: "postgres"', 'REPLICA_PASSWORD=postgres', 'SECRET_KEY: sentry', 'SECRET_KEY=sentry', 'APP_SECRET=sentry']) {
        assert.ok(!text.includes(leak), `${name} prints a secret value (${leak.split(/[:=]/)[0]})`);
      }
      assert.ok(!/s\*{4}\/Dockerfile|po\*{4}ql|po\*{4}:15/.test(text), `${name} masks text that is not the secret`);
    }
    const fix = out['fix --dry-run'];
    for (const kept of ['     image: postgres:15-alpine\n', '       LABEL: "postgres"\n', '-      - /var/lib/postgresql/data\n', '     build: ./sentry\n', '--- a/sentry/Dockerfile\n', 'pg_isready -U $${POSTGRES_USER:-postgres}"]\n']) {
      assert.ok(fix.includes(kept), `fix --dry-run changed ${JSON.stringify(kept)}:\n${fix}`);
    }
    assert.match(fix, /^would fix sentry\/Dockerfile: deprecated-maintainer: /m);
    for (const masked of ['-      POSTGRES_PASSWORD: po****\n', '-      REPLICA_PASSWORD: "po****"\n', '+POSTGRES_PASSWORD=po****\n', '-      SECRET_KEY: s****\n', '-ENV APP_SECRET=s****\n', '+APP_SECRET=s****\n']) {
      assert.ok(fix.includes(masked), `fix --dry-run does not show ${JSON.stringify(masked)}:\n${fix}`);
    }
    for (const name of ['check text', 'check json', 'check sarif', 'report markdown', 'report html']) {
      assert.ok(out[name].includes('/var/lib/postgresql/data'), `${name} lost the data directory path`);
      assert.ok(out[name].includes('sentry/Dockerfile'), `${name} lost the Dockerfile path`);
    }
  });

  it('credential URLs (code-fetched-at-build, remote-add, build-context-outside-repo, a Compose build context) in no format', () => {
    const token = ['ghp', 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbA9z8y'].join('_');
    const pass = ['Xy7p', 'Q2vR9s'].join('');
    fs.writeFileSync(path.join(tmp, 'Dockerfile'), `FROM alpine:3.20\nRUN git clone https://oauth2:${token}@github.com/acme/app.git /src\nADD https://deploy:${pass}@github.com/acme/plugins.git /plugins\nADD https://deploy:${pass}@artifacts.example.com/tool.tgz /opt/\nCMD ["/src/run"]\n`);
    fs.writeFileSync(path.join(tmp, 'compose.yaml'), `services:\n  api:\n    build: https://oauth2:${pass}@github.com/acme/api.git\n  worker:\n    build:\n      context: https://ci:${token}@github.com/acme/worker.git\n`);
    const out = allOutputs(tmp);
    for (const [name, text] of Object.entries(out)) {
      assert.ok(!text.includes(token.slice(4, 20)), `${name} prints the GitHub token`);
      assert.ok(!text.includes(pass), `${name} prints the URL password`);
    }
    const check = JSON.parse(out['check json']) as { findings: { ruleId: string; file: string; message: string }[] };
    const rules = new Set(check.findings.map((f) => f.ruleId));
    for (const r of ['code-fetched-at-build', 'remote-add', 'build-context-outside-repo', 'secret-in-command']) assert.ok(rules.has(r), `no ${r} finding`);
    assert.deepStrictEqual(check.findings.filter((f) => f.file === 'compose.yaml' && f.ruleId === 'secret-in-command').length, 2, 'both build context URLs are secrets');
    assert.ok(check.findings.some((f) => f.message.includes('https://oauth2:ghp_****@github.com/acme/app.git')), 'the URL stays readable around the masked token');
  });

  it('terminal control, bidi characters and a lone CR from files are shown as escapes in text, Markdown and HTML', () => {
    const esc = '\u001b[2J\u001b]0;owned\u0007';
    fs.writeFileSync(path.join(tmp, 'compose.yaml'), `services:\n  "web${esc}\u202eevil":\n    image: nginx\n    command: ["sh", "-c", "run\\r## Injected heading\\r[x](https://evil.example)"]\n`);
    const dir = path.join(tmp, `svc${esc}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:3.20\nCMD ["sleep", "1"]\n');
    const out = allOutputs(tmp);
    for (const name of ['check text', 'fix --dry-run', 'report markdown', 'report html']) {
      assert.ok(!/[\u001b\u0007\u202e\r]/.test(out[name]), `${name} prints a raw control or bidi character`);
    }
    assert.ok(out['check text'].includes('web\\x1b[2J\\x1b]0;owned\\x07\\u202eevil'), out['check text']);
    assert.ok(out['check text'].includes('svc\\x1b[2J'), 'the folder name is shown with escapes');
    assert.ok(!/^#+ Injected/m.test(out['report markdown']), 'a CR in a value started a Markdown heading');
    assert.ok(out['report html'].includes('web\\x1b[2J'), 'HTML shows the escape');
  });
});
