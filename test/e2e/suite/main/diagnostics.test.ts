// Diagnostics as VS Code shows them: rule ids, ranges and severities for one file of each kind, nothing
// for an unrelated YAML file, live updates on edit and clearing on close.
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  closeAll, cliFindings, describe, log, describeAll, DIAGNOSTICS_TIMEOUT_MS, ofRule, openFile, replaceText, ruleId,
  seaworthyDiagnostics, settledDiagnostics, sleep, waitForDiagnostics, waitForDiagnosticsWhere,
} from '../helpers';

/**
 * Findings every run must show, as `rule@line:col-line:col severity` (1-based, end exclusive: the
 * Problems panel's numbers). The files may show more (rules are added in parallel); the editor must show
 * exactly what the CLI finds for the same file, checked below.
 */
const EXPECTED: Record<string, string[]> = {
  'Dockerfile': [
    'unpinned-image@6:6-6:17 warning',          // FROM node:latest
    'hardcoded-secret@8:17-8:29 error',         // ENV DB_PASSWORD=hunter2-prod
  ],
  'compose.yaml': [
    'host-socket-mount@6:9-6:29 error',         // - /var/run/docker.sock (the host side)
    'database-without-volume@8:12-8:25 error',  // image: postgres:16.2 (no volume)
  ],
  'deploy/app.yaml': [
    'unpinned-image@17:18-17:47 warning',       // image: registry.acmecorp.io/shop/api
    'hardcoded-secret@20:22-20:38 error',       // value: tok-9f8e7d6c5b4a
  ],
};

suite('main: diagnostics', () => {
  suiteTeardown(closeAll);

  for (const [file, expected] of Object.entries(EXPECTED)) {
    test(`${file}: expected rule ids and ranges within ${DIAGNOSTICS_TIMEOUT_MS / 1000} s, exactly what the CLI finds`, async () => {
      const t0 = Date.now();
      const doc = await openFile(file);
      await waitForDiagnosticsWhere(doc.uri, (ds) => expected.every((e) => ds.map(describe).includes(e)), `${expected.join(', ')}`);
      const ms = Date.now() - t0;
      const ds = await settledDiagnostics(doc.uri);
      assert.deepStrictEqual(ds.map(describe).sort(), cliFindings(doc.uri.fsPath), 'editor diagnostics = `seaworthy check --format json`');
      for (const d of ds) {
        assert.strictEqual(d.source, 'seaworthy');
        const code = d.code as { value: string; target: vscode.Uri };
        assert.ok(typeof code === 'object' && code.target, `${describe(d)}: code carries the rule documentation link`);
        // The rendered, read-only rule page (client/src/ruleDocs.ts), not the raw Markdown file.
        assert.strictEqual(code.target.toString(), `seaworthy-rule:/${ruleId(d)}.seaworthy-rule`, `${describe(d)}: link to its rule page`);
        assert.ok(d.message.length > 20, `${describe(d)}: has a message`);
      }
      log(`      ${file}: ${ds.length} diagnostics, expected ones after ${ms} ms`);
    });
  }

  test('an unrelated YAML file (GitHub workflow) gets no diagnostics', async () => {
    const doc = await openFile('.github/workflows/ci.yml');
    // Something the server does analyse, opened after the workflow: once it has diagnostics, the
    // server has had the workflow for at least as long.
    const probe = await openFile('compose.yaml');
    await waitForDiagnostics(probe.uri);
    await sleep(1500);
    assert.deepStrictEqual(describeAll(doc.uri), [], 'diagnostics on .github/workflows/ci.yml');
  });

  test('editing the Dockerfile to pin its image clears unpinned-image and keeps the rest', async () => {
    const doc = await openFile('Dockerfile');
    const before = (await waitForDiagnostics(doc.uri, 'unpinned-image')).map(describe);
    await replaceText(doc, 'FROM node:latest\n', 'FROM node:20.11.1-bookworm-slim\n');
    const after = await waitForDiagnosticsWhere(doc.uri, (ds) => ds.length > 0 && ofRule(ds, 'unpinned-image').length === 0, 'unpinned-image to go away');
    assert.deepStrictEqual(after.map((d) => ruleId(d)).sort(), before.map((d) => d.split('@')[0]).filter((r) => r !== 'unpinned-image').sort(),
      'only unpinned-image went away');
    assert.ok(ofRule(after, 'hardcoded-secret').length === 1, 'the secret is still flagged');
    // ... and back: the diagnostic returns with its original range.
    await replaceText(doc, 'FROM node:20.11.1-bookworm-slim\n', 'FROM node:latest\n');
    await waitForDiagnosticsWhere(doc.uri, (ds) => ds.map(describe).includes('unpinned-image@6:6-6:17 warning'), 'unpinned-image to come back');
  });

  test('closing the Dockerfile clears all of its diagnostics', async () => {
    const doc = await openFile('Dockerfile');
    await waitForDiagnostics(doc.uri);
    await closeAll();
    await waitForDiagnosticsWhere(doc.uri, (ds) => ds.length === 0, 'every diagnostic to be cleared after closing', 30000);
    assert.strictEqual(seaworthyDiagnostics(doc.uri).length, 0);
  });
});
