import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TestClient } from './lsp-client';

const CHART = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspaces', 'helm-values', 'webapp');

describe('language server: Helm values.yaml gets the findings its defaults decide, while typing in either file', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  let values: string, template: string;
  const valuesUri = () => pathToFileURL(values).toString();
  const templateUri = () => pathToFileURL(template).toString();
  const hostNetwork = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.code === 'host-namespace');
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-helm-lsp-'));
    fs.cpSync(CHART, dir, { recursive: true });
    values = path.join(dir, 'values.yaml');
    template = path.join(dir, 'templates', 'deployment.yaml');
    fs.writeFileSync(values, fs.readFileSync(values, 'utf8').replace('hostNetwork: true', 'hostNetwork: false'));
    client = new TestClient();
    await client.initialize();
  });
  after(async () => { await client.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('editing values.yaml makes the finding appear on the changed line, naming the template line', async () => {
    const text = fs.readFileSync(values, 'utf8');
    await client.open(valuesUri(), 'yaml', text);
    const first = await client.waitFor(valuesUri(), (p) => p.version === 1);
    assert.deepStrictEqual(hostNetwork(first), []);
    assert.ok(first.diagnostics.some((d) => d.code === 'privileged-container'), 'the other defaults are judged from the start');
    const line = lineOf(text, 'hostNetwork: false');
    await client.change(valuesUri(), 2, [{ range: { start: { line, character: 13 }, end: { line, character: 18 } }, text: 'true' }]);
    const after = await client.waitFor(valuesUri(), (p) => p.version === 2);
    const found = hostNetwork(after);
    assert.strictEqual(found.length, 1, JSON.stringify(after.diagnostics.map((d) => d.code)));
    assert.strictEqual(found[0].range.start.line, line);
    const related = found[0].relatedInformation?.[0];
    assert.strictEqual(related?.location.uri, templateUri());
    assert.strictEqual(related?.location.range.start.line, lineOf(fs.readFileSync(template, 'utf8'), 'hostNetwork:'));
  });

  it('editing the template (unsaved) updates values.yaml: the default no longer reaches a manifest', async () => {
    const text = fs.readFileSync(template, 'utf8');
    await client.open(templateUri(), 'yaml', text);
    await client.waitFor(templateUri(), (p) => p.version === 1);
    const line = lineOf(text, 'hostNetwork:');
    await client.change(templateUri(), 2, [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' }]);
    await client.waitFor(valuesUri(), (p) => p.version === 2 && hostNetwork(p).length === 0 && p.diagnostics.some((d) => d.code === 'privileged-container'));
  });
});
