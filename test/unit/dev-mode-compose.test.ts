/**
 * Development mode in the main Compose file (issue #14 item 7): one finding per service, naming every
 * piece of evidence, at the first one; overrides and files named or placed for development stay quiet.
 */
import * as assert from 'assert';
import * as path from 'path';
import { analyze } from './helpers';

const at = (...p: string[]) => path.join(path.sep, 'srv', 'shop', ...p);

async function devMode(file: string, text: string) {
  const r = await analyze(file, text);
  return r.findings.filter((f) => f.ruleId === 'dev-mode-in-image').map((f) => ({ line: f.range.start.line + 1, severity: f.severity, message: f.message, related: f.related?.length ?? 0 }));
}

const WEB = [
  'services:',
  '  web:',
  '    build:',
  '      context: .',
  '      target: dev',
  '    command: nodemon --inspect=0.0.0.0:9229 server.js',
  '    environment:',
  '      NODE_ENV: development',
  '      DEBUG: "0"',
].join('\n');

describe('dev-mode-in-image: the main Compose file', () => {
  it('reports one warning per service at its first evidence, naming all of it', async () => {
    const f = await devMode(at('compose.yaml'), WEB);
    assert.deepStrictEqual(f.map((x) => `${x.line}:${x.severity}:${x.related}`), ['5:warning:2']);
    assert.match(f[0].message, /builds the "dev" target/);
    assert.match(f[0].message, /runs nodemon/);
    assert.match(f[0].message, /sets NODE_ENV=development/);
    assert.doesNotMatch(f[0].message, /DEBUG=0/);
  });

  it('docker-compose.yml is a main file too', async () => {
    assert.strictEqual((await devMode(at('docker-compose.yml'), WEB)).length, 1);
  });

  for (const file of [['compose.override.yaml'], ['docker-compose.dev.yml'], ['compose.local.yaml'], ['compose.debug.yaml'], ['docker-compose.ci.yml'], ['dev', 'compose.yaml'], ['examples', 'compose.yaml']]) {
    it(`stays quiet in ${file.join('/')}`, async () => {
      assert.deepStrictEqual(await devMode(at(...file), WEB), []);
    });
  }

  it('a service started only with a development profile is not judged', async () => {
    const text = WEB.replace('  web:\n', '  web:\n    profiles: [debug]\n');
    assert.deepStrictEqual(await devMode(at('compose.yaml'), text), []);
  });
});
