import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureDebianTools } from '../debian-tools';

const root = path.resolve(__dirname, '..', '..', '..');
const script = path.join(root, 'test', 'lsp', 'neovim', 'client.lua');

interface NvimDiagnostic { code: string; lnum: number; col: number; end_lnum: number; end_col: number; severity: number; message: string }
interface NvimResult {
  ok: boolean; error?: string; steps: string[];
  dockerfile: { filetype: string; diagnostics: NvimDiagnostic[] };
  compose: { filetype: string; diagnostics: NvimDiagnostic[] };
  actions: string[]; applied: string; after: NvimDiagnostic[];
}

const COMPOSE = [
  'services:',
  '  db:',
  '    image: postgres:16.4',
  '    restart: always',
  '    environment:',
  '      POSTGRES_PASSWORD: Zx9kT4qLm2wQ',
  '    volumes:',
  '      - dbdata:/var/lib/postgresql/data',
  '  web:',
  '    image: shop/web:1.2.3',
  '    restart: always',
  '    volumes:',
  '      - /var/run/docker.sock:/var/run/docker.sock',
  'volumes:',
  '  dbdata:',
  '',
].join('\n');

/**
 * A real non-VS-Code LSP client: Neovim's built-in client, headless, started on the server with the
 * command docs/editors.md gives (`seaworthy-language-server --stdio`). Neovim comes from Debian's
 * packages; scripts/ci/debian-tools.sh installs it when it is missing (as root).
 */
describe('Neovim (built-in LSP client, headless) with seaworthy-language-server', function () {
  this.timeout(20 * 60 * 1000);   // the first run on a fresh machine installs Neovim with apt
  let tmp: string, project: string, result: NvimResult;

  before(() => {
    ensureDebianTools();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-nvim-'));
    project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'Dockerfile'), 'FROM node:20.11-alpine\nUSER node\nENV API_TOKEN=abc123def456ghi\nCMD ["node", "server.js"]\n');
    fs.writeFileSync(path.join(project, 'compose.yaml'), COMPOSE);
    const out = path.join(tmp, 'result.json');
    const r = spawnSync('nvim', ['--headless', '--clean', '-c', `luafile ${script}`], {
      cwd: project, encoding: 'utf8', timeout: 180000,
      env: {
        ...process.env,
        SW_OUT: out, SW_PROJECT: project,
        SW_CMD: JSON.stringify([process.execPath, path.join(root, 'bin', 'seaworthy-language-server.js'), '--stdio']),
        // Neovim's LSP log and state stay in the temp folder.
        XDG_STATE_HOME: path.join(tmp, 'state'), XDG_CACHE_HOME: path.join(tmp, 'cache'), XDG_DATA_HOME: path.join(tmp, 'data'), XDG_CONFIG_HOME: path.join(tmp, 'config'),
      },
    });
    assert.ok(fs.existsSync(out), `nvim wrote no result (exit ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
    result = JSON.parse(fs.readFileSync(out, 'utf8')) as NvimResult;
    assert.ok(result.ok, `the Lua client failed after ${JSON.stringify(result.steps)}: ${result.error}\n${r.stderr}`);
    assert.strictEqual(r.status, 0, r.stderr);
  });
  after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

  const pick = (d: NvimDiagnostic[], code: string) => d.filter((x) => x.code === code).map((x) => [x.lnum, x.col, x.end_lnum, x.end_col, x.severity]);

  it('publishes the Dockerfile\'s findings with rule ids and exact ranges', () => {
    assert.strictEqual(result.dockerfile.filetype, 'dockerfile');
    // ENV API_TOKEN=abc123def456ghi: the value, characters 14..29 of line 2 (0-based), an error.
    assert.deepStrictEqual(pick(result.dockerfile.diagnostics, 'hardcoded-secret'), [[2, 14, 2, 29, 1]]);
    assert.deepStrictEqual(pick(result.dockerfile.diagnostics, 'missing-healthcheck'), [[0, 0, 0, 22, 3]]);
    assert.ok(result.dockerfile.diagnostics.every((d) => !d.message.includes('abc123def456ghi')), 'no secret in a message');
  });

  it('publishes the Compose file\'s findings with rule ids and exact ranges', () => {
    assert.strictEqual(result.compose.filetype, 'yaml');
    assert.deepStrictEqual(pick(result.compose.diagnostics, 'hardcoded-secret'), [[5, 25, 5, 37, 1]]);
    assert.deepStrictEqual(pick(result.compose.diagnostics, 'host-socket-mount'), [[12, 8, 12, 28, 1]]);
    assert.deepStrictEqual(pick(result.compose.diagnostics, 'missing-healthcheck'), [[1, 2, 1, 4, 2]]);
  });

  it('offers the secret quick fix and the ignore actions, and applying it moves the value to .env', () => {
    assert.deepStrictEqual(result.actions.slice(0, 3), [
      'Move POSTGRES_PASSWORD to .env and reference ${POSTGRES_PASSWORD}',
      'Ignore hardcoded-secret for this line',
      'Ignore hardcoded-secret for this file',
    ]);
    assert.strictEqual(result.applied, result.actions[0]);
    const compose = fs.readFileSync(path.join(project, 'compose.yaml'), 'utf8');
    assert.strictEqual(compose.split('\n')[5], '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}');
    assert.strictEqual(compose, COMPOSE.replace('Zx9kT4qLm2wQ', '${POSTGRES_PASSWORD}'), 'nothing else changed');
    const env = fs.readFileSync(path.join(project, '.env'), 'utf8');
    assert.deepStrictEqual(env.split('\n').filter(Boolean), ['POSTGRES_PASSWORD=Zx9kT4qLm2wQ']);
    assert.deepStrictEqual(fs.readFileSync(path.join(project, '.gitignore'), 'utf8').split('\n').filter(Boolean), ['.env']);
    // Re-analysed after the edit: the secret is gone, the rest stays where it was.
    assert.deepStrictEqual(pick(result.after, 'hardcoded-secret'), []);
    assert.deepStrictEqual(pick(result.after, 'host-socket-mount'), [[12, 8, 12, 28, 1]]);
  });
});
