/**
 * The e2e tool installer (scripts/e2e/install.sh) runs from `npm test` and shares one tools folder per
 * machine. Two properties that need neither the network nor root: the nested installs do not inherit the
 * outer npm's view of Node, and an installer waits for the tools lock instead of touching tools that
 * another run is using.
 */
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from './helpers';

const e2eScripts = path.join(repoRoot, 'scripts', 'e2e');

describe('e2e tool installer', () => {
  it('drops the outer npm\'s environment and keeps how to reach the registry', () => {
    // What `npm test` exports to its scripts (npm 11 on Node 20), plus registry settings a CI may set.
    const outer: Record<string, string> = {
      npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
      npm_node_execpath: '/usr/bin/node', npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js', NODE: '/usr/bin/node',
      npm_config_nodedir: '/usr', npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
      npm_config_prefix: '/usr', npm_config_allow_scripts: '', npm_package_name: 'seaworthy', npm_lifecycle_event: 'test:e2e',
      INIT_CWD: '/work', NPM_CONFIG_USER_AGENT: 'npm/11 node/v20',
      npm_config_registry: 'https://registry.example.test/', NPM_CONFIG_HTTPS_PROXY: 'http://proxy.example.test:3128',
      npm_config_cafile: '/etc/ssl/certs/ca-certificates.crt', npm_config_cache: '/root/.npm',
    };
    const r = spawnSync('bash', ['-c', `source "${path.join(e2eScripts, 'clean-npm-env.sh')}" && env`], {
      encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, SEAWORTHY_E2E_TOOLS: '/tmp/tools', ...outer },
    });
    assert.strictEqual(r.status, 0, r.stderr);
    const after = new Map(r.stdout.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const kept = ['npm_config_registry', 'NPM_CONFIG_HTTPS_PROXY', 'npm_config_cafile', 'npm_config_cache'];
    assert.deepStrictEqual(Object.keys(outer).filter((k) => after.has(k)).sort(), kept.sort());
    for (const k of kept) assert.strictEqual(after.get(k), outer[k]);
    assert.strictEqual(after.get('SEAWORTHY_E2E_TOOLS'), '/tmp/tools', 'everything else stays');
  });

  it('waits for the tools lock, then gives up without touching the tools', async function () {
    this.timeout(20000);
    const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-e2e-lock-'));
    // Another install holds the lock (flock -x) for as long as this test needs.
    const holder = spawn('flock', ['-x', path.join(tools, '.lock'), 'sleep', '30'], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 5000;
      while (spawnSync('flock', ['-n', '-s', path.join(tools, '.lock'), 'true']).status === 0) {
        assert.ok(Date.now() < deadline, 'the holder never took the lock');
        await new Promise((res) => setTimeout(res, 50));
      }
      const r = spawnSync('bash', [path.join(e2eScripts, 'install.sh')], {
        encoding: 'utf8', timeout: 15000, env: { ...process.env, SEAWORTHY_E2E_TOOLS: tools, SEAWORTHY_E2E_LOCK_TIMEOUT: '1' },
      });
      assert.strictEqual(r.status, 1, r.stderr);
      assert.match(r.stderr, /waiting for .*\.lock \(an install on this machine holds it\)/);
      assert.match(r.stderr, /ERROR: gave up waiting for .*\.lock/);
      assert.deepStrictEqual(fs.readdirSync(tools), ['.lock'], 'nothing installed, nothing removed');
    } finally {
      holder.kill();
      fs.rmSync(tools, { recursive: true, force: true });
    }
  });
});
