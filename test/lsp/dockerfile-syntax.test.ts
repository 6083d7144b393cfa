import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { TestClient } from './lsp-client';

const BROKEN = 'FROM node:20.11.1-alpine\nRUNN npm ci\nCMD ["node", "server.js"]\n';
const syntaxProblems = (ds: { message: unknown }[]) => ds.filter((d) => String(d.message).startsWith('Dockerfile syntax:'));

describe('language server: Dockerfile syntax problems only where no Docker extension shows them', function () {
  this.timeout(30000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-syntax-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [title, init, expected] of [
    ['shows them when the client has no Docker extension', { dockerExtension: false }, 1],
    ['leaves them to a Docker extension the client reports (seaworthy.dockerfileSyntax: auto)', { dockerExtension: true }, 0],
  ] as const) {
    it(title, async () => {
      const client = new TestClient();
      try {
        await client.initialize(init);
        const uri = pathToFileURL(path.join(dir, `Dockerfile.${expected}`)).toString();
        await client.open(uri, 'dockerfile', BROKEN);
        // Wait for the analysis of the opened version, then count.
        const p = await client.waitFor(uri, (x) => x.version === 1);
        assert.strictEqual(syntaxProblems(p.diagnostics).length, expected, JSON.stringify(p.diagnostics.map((d) => d.message)));
      } finally { await client.shutdown(); }
    });
  }
});
