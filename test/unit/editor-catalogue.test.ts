import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfig } from '../../server/src/engine/config';
import { EditorCatalogue } from '../../server/src/lsp/editor-catalogue';

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('editor manifest catalogue (before the workspace index exists)', () => {
  let dir: string;
  let open: Map<string, { text: string; version: number }>;
  let catalogue: EditorCatalogue;
  const names = (folder: string, now: number) => catalogue.folder(folder, now).objects.map((o) => `${o.kind}/${o.name}`).sort();
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-editor-catalogue-'));
    fs.mkdirSync(path.join(dir, 'base'));
    fs.writeFileSync(path.join(dir, 'base', 'config.yaml'), configMap('two'));
    fs.writeFileSync(path.join(dir, 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
    open = new Map();
    catalogue = new EditorCatalogue(() => [dir], (abs) => open.get(abs), defaultConfig);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds the objects that define ConfigMaps or Secrets, under the folder asked for', () => {
    assert.deepStrictEqual(names(dir, 1_000), ['ConfigMap/two']);
    assert.deepStrictEqual(names(path.join(dir, 'base'), 1_000), ['ConfigMap/two']);
    assert.deepStrictEqual(names(path.join(dir, 'other'), 1_000), []);
  });

  it('re-reads files changed on disk and new files only after ten seconds, so typing stays cheap', () => {
    fs.writeFileSync(path.join(dir, 'base', 'config.yaml'), configMap('three'));
    fs.writeFileSync(path.join(dir, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n');
    assert.deepStrictEqual(names(dir, 5_000), ['ConfigMap/two']);
    assert.deepStrictEqual(names(dir, 12_000), ['ConfigMap/three', 'Secret/creds']);
  });

  it('reads an open document from the editor, not the disk', () => {
    open.set(path.join(dir, 'secret.yaml'), { text: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: renamed\n', version: 3 });
    assert.deepStrictEqual(names(dir, 30_000), ['ConfigMap/three', 'Secret/renamed']);
  });

  it('without a workspace folder holds nothing (a lone file stands alone)', () => {
    const lone = new EditorCatalogue(() => [], () => undefined, defaultConfig);
    assert.deepStrictEqual(lone.folder(dir).objects, []);
  });
});
