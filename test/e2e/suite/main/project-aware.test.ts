// Findings that other files of the project decide, followed while typing in those files: a Helm chart's
// values.yaml (its defaults render the templates) and a build context's .dockerignore (what COPY . ships).
import * as assert from 'assert';
import { closeAll, ofRule, openFile, replaceText, seaworthyDiagnostics, settledDiagnostics, waitForDiagnosticsWhere } from '../helpers';

suite('main: project-aware analysis', () => {
  suiteTeardown(closeAll);

  test('switching hostNetwork on in values.yaml puts the finding on that line; switching it off removes it', async () => {
    const values = await openFile('chart/values.yaml');
    assert.deepStrictEqual(ofRule(await settledDiagnostics(values.uri), 'host-namespace'), [], 'no host-namespace with hostNetwork: false');
    await replaceText(values, 'hostNetwork: false', 'hostNetwork: true');
    const ds = await waitForDiagnosticsWhere(values.uri, (d) => ofRule(d, 'host-namespace').length === 1, 'host-namespace on values.yaml');
    const line = values.getText().split('\n').findIndex((l) => l.startsWith('hostNetwork: true'));
    assert.strictEqual(ofRule(ds, 'host-namespace')[0].range.start.line, line);
    await replaceText(values, 'hostNetwork: true', 'hostNetwork: false');
    await waitForDiagnosticsWhere(values.uri, (d) => ofRule(d, 'host-namespace').length === 0, 'no host-namespace after the revert');
  });

  test('adding .env to .dockerignore removes the COPY . finding of the open Dockerfile', async () => {
    const dockerfile = await openFile('buildctx/Dockerfile');
    await waitForDiagnosticsWhere(dockerfile.uri, (ds) => ofRule(ds, 'context-files-in-image').length === 1, 'context-files-in-image on COPY . .');
    assert.strictEqual(ofRule(seaworthyDiagnostics(dockerfile.uri), 'context-files-in-image')[0].range.start.line, 4);
    const ignore = await openFile('buildctx/.dockerignore');
    await replaceText(ignore, 'node_modules', 'node_modules\n.env');
    await waitForDiagnosticsWhere(dockerfile.uri, (ds) => ofRule(ds, 'context-files-in-image').length === 0, 'no context-files-in-image once .env is ignored');
  });
});
