import * as assert from 'assert';
import { defaultConfig } from '../../server/src/engine/config';
import { toEngineConfig } from '../../server/src/lsp/settings';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FixSession } from '../../server/src/engine/apply-fixes';
import { analyze } from './helpers';

const syntax = async (text: string, config = defaultConfig()) =>
  (await analyze('/p/Dockerfile', text, config)).problems.filter((p) => p.message.startsWith('Dockerfile syntax:')).map((p) => `${p.range.start.line + 1}:${p.severity}:${p.message}`);

describe('Dockerfile syntax problems (dockerfile-utils)', () => {
  it('reports unknown instructions, missing arguments and invalid flags as problems', async () => {
    const text = 'FROM node:20.11.1-alpine\nRUNN npm ci\nCOPY --chmodd=755 app.js /app/\nEXPOSE\nHEALTHCHECK --interval=5 CMD wget -q localhost\nENV MODE\n';
    assert.deepStrictEqual(await syntax(text), [
      '2:error:Dockerfile syntax: Unknown instruction: RUNN.',
      '3:error:Dockerfile syntax: Unknown flag: chmodd.',
      '4:error:Dockerfile syntax: Instruction has no arguments.',
      '5:error:Dockerfile syntax: time: missing unit in duration 5.',
      '6:error:Dockerfile syntax: ENV must have two arguments.',
    ]);
  });

  it('stays quiet on what BuildKit accepts: heredocs, RUN --mount, COPY into ".", style and MAINTAINER', async () => {
    const text = '# syntax=docker/dockerfile:1\nfrom node:20.11.1-alpine AS build\nMAINTAINER someone\nWORKDIR app\nCOPY package.json package-lock.json .\nRUN --mount=type=cache,target=/root/.npm npm ci\nCOPY <<EOF /app/config.ini\n[app]\nEOF\nRUN <<EOF\nset -e\nnpm run build\nEOF\nCMD ["node", "server.js"]\n';
    assert.deepStrictEqual(await syntax(text), []);
  });

  it('reports several source files copied to a destination that is not a folder', async () => {
    assert.deepStrictEqual((await syntax('FROM alpine:3.19\nCOPY a.txt b.txt /app\n')).map((p) => p.split(':')[0]), ['2']);
  });

  it('does not validate files over 32 KB (the validator\'s time grows faster than the file)', async () => {
    const big = `FROM alpine:3.19\nRUNN echo\n${'RUN echo one two three four five\n'.repeat(1100)}`;
    assert.ok(big.length > 32 * 1024);
    assert.deepStrictEqual(await syntax(big), []);
  });

  it('leaves Dockerfiles for another frontend alone (its instructions are its own)', async () => {
    assert.deepStrictEqual(await syntax('# syntax=example.com/custom-frontend:2\nFROM alpine:3.19\nRUNX something\n'), []);
    assert.strictEqual((await syntax('# syntax=docker/dockerfile:1.7\nFROM alpine:3.19\nRUNX something\n')).length, 1);
  });

  it('is switched off by the configuration, and in the editor when a Docker extension shows the problems', async () => {
    const text = 'FROM alpine:3.19\nRUNN echo\n';
    assert.deepStrictEqual(await syntax(text, { ...defaultConfig(), dockerfileSyntax: false }), []);
    assert.strictEqual(toEngineConfig({}).dockerfileSyntax, true);
    assert.strictEqual(toEngineConfig({ dockerExtension: true }).dockerfileSyntax, false, 'auto, with a Docker extension');
    assert.strictEqual(toEngineConfig({ dockerExtension: true, dockerfileSyntax: 'on' }).dockerfileSyntax, true);
    assert.strictEqual(toEngineConfig({ dockerfileSyntax: 'off' }).dockerfileSyntax, false);
  });

  it('lists them among what remains after `fix` (the fix passes themselves do not run the validator)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-syntax-fix-'));
    try {
      const file = path.join(dir, 'Dockerfile');
      fs.writeFileSync(file, 'FROM node:20.11.1-alpine\nRUNN npm ci\nCMD node server.js\n');
      const r = await new FixSession({ refuseReason: () => undefined, ignored: () => false }).fixFile(file, defaultConfig(), { unsafe: false });
      assert.ok(r.applied.some((a) => a.ruleId === 'shell-form-command'), r.applied.map((a) => a.title).join('\n'));
      assert.deepStrictEqual(r.result.problems.map((p) => `${p.range.start.line + 1}:${p.message}`), ['2:Dockerfile syntax: Unknown instruction: RUNN.']);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
