// A Compose override judged on its base, as `docker compose` merges them: the database image comes from
// the base (through `.env`), the published port from the override; editing the base in the editor
// (unsaved) changes the override's diagnostics.
import * as assert from 'assert';
import { closeAll, ofRule, openFile, replaceText, seaworthyDiagnostics, waitForDiagnosticsWhere } from '../helpers';

suite('main: Compose overlay', () => {
  suiteTeardown(closeAll);

  test('editing the base makes the override\'s database-port finding disappear', async () => {
    const base = await openFile('overlay/compose.yaml');
    const override = await openFile('overlay/compose.override.yaml');
    await waitForDiagnosticsWhere(override.uri, (ds) => ofRule(ds, 'database-port-published').length === 1, 'database-port-published on the override');
    assert.strictEqual(ofRule(seaworthyDiagnostics(override.uri), 'database-port-published')[0].range.start.line, 3);
    // The base now runs an application image: publishing its port is no database exposure.
    await replaceText(base, '${DB_IMAGE}', 'example/app:1.4.2');
    await waitForDiagnosticsWhere(override.uri, (ds) => ofRule(ds, 'database-port-published').length === 0, 'no database-port-published on the override');
  });
});
