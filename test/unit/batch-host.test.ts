import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfig } from '../../server/src/engine/config';
import { analyzePath, diskHost } from '../../server/src/workspace/batch';

describe('batch host (seaworthy check)', () => {
  let dir: string;
  const files = () => [path.join(dir, 'app', 'Dockerfile'), path.join(dir, 'compose.yaml')];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-batch-'));
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'Dockerfile'), 'FROM postgres:16.2\nENV PGDATA=/data/pg\n');
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  db:\n    build: ./app\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function scan(capacity?: number) {
    const config = defaultConfig();
    const host = diskHost(config, capacity);
    const results = [];
    for (const f of files()) results.push(await analyzePath(f, config, host));
    return { host, findings: results.map((r) => r.findings.map((f) => `${path.basename(r.path)}:${f.range.start.line + 1}:${f.ruleId}`)).flat() };
  }

  it('parses a Dockerfile once when a Compose file that builds it is analysed after it', async () => {
    const shared = await scan();
    // Only the Dockerfile goes through the host: a Compose file is read by its project (workspace/compose-project).
    assert.strictEqual(shared.host.parses, 1);
    // The Compose rule read the built image through the shared model: the datastore and its PGDATA override.
    assert.ok(shared.findings.includes('compose.yaml:2:database-without-volume'), shared.findings.join(' '));
  });

  it('finds the same with and without sharing; without it the Dockerfile is parsed again', async () => {
    const shared = await scan();
    const unshared = await scan(0);
    assert.ok(unshared.host.parses > 1);
    assert.deepStrictEqual(unshared.findings, shared.findings);
  });

  it('does not hand out a model for other text than the analysed one', async () => {
    const config = defaultConfig();
    const host = diskHost(config);
    const dockerfile = files()[0];
    const onDisk = host.modelOf!(dockerfile, 'dockerfile')!;
    const edited = host.parse!(dockerfile, 'FROM redis:7.2\n', 'dockerfile');
    assert.notStrictEqual(edited, onDisk);
    assert.strictEqual(edited.source.text, 'FROM redis:7.2\n');
    assert.strictEqual(host.parse!(dockerfile, 'FROM redis:7.2\n', 'dockerfile'), edited);
  });
});
