import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { mayDefineConfigObjects, provides } from '../../server/src/knowledge/config-objects';
import { detectKind } from '../../server/src/parse/detect';
import { parseKubernetes } from '../../server/src/parse/kubernetes';
import { isHelmTemplatePath, isKustomizationPath } from '../../server/src/parse/detect';
import { fixturesDir, testCorpusDir, walk } from './helpers';

describe('knowledge/config-objects: who defines Secrets and ConfigMaps', () => {
  it('the text pre-filter accepts every style a kind can be written in', () => {
    for (const text of ['kind: ConfigMap\n', '  kind:   "Secret"\n', "kind: 'SealedSecret'", '{"apiVersion":"v1","kind":"ConfigMap"}', '- {kind: ExternalSecret, metadata: {name: x}}', 'kind: Kustomization', 'kind: Certificate', 'kind: SecretProviderClass']) {
      assert.ok(mayDefineConfigObjects(text), text);
    }
    for (const text of ['kind: Deployment\n', 'kind: ConfigMapList2', '# a ConfigMap named x\nkind: Service', 'secretKeyRef:\n  name: Secret']) {
      assert.ok(!mayDefineConfigObjects(text), text);
    }
  });

  it('never skips a manifest of the fixtures or the corpus that defines one', () => {
    const files = [...walk(path.join(fixturesDir, 'rules')), ...walk(path.join(fixturesDir, 'workspaces')), ...walk(testCorpusDir)];
    let defining = 0;
    let skipped = 0;
    for (const f of files) {
      if (!/\.(ya?ml|json)$/i.test(f)) continue;
      const text = fs.readFileSync(f, 'utf8');
      if (detectKind(f, text) !== 'kubernetes') continue;
      const model = parseKubernetes(f, text, isHelmTemplatePath(f));
      const defines = model.objects.some((o) => provides(o).length > 0);
      if (defines) defining++;
      // kustomization.yaml is always read (it needs no `kind:`), as the catalogue's pre-filter does.
      if (!mayDefineConfigObjects(text) && !isKustomizationPath(f)) { skipped++; assert.ok(!defines, `${f} defines a Secret or ConfigMap but the pre-filter skips it`); }
    }
    assert.ok(defining >= 10, `only ${defining} defining manifests: the walk found too little to judge`);
    assert.ok(skipped > defining, 'the pre-filter skips most manifests');
  });
});
