// Activation runs (test/e2e/runTest.ts): one VS Code window per workspace of test/e2e/workspaces/, since
// an extension never deactivates once active. SEAWORTHY_E2E_WORKSPACE_KIND says which one this is:
//   unrelated   .github/workflows/ci.yml + config.yaml: not active at startup; opening them activates it
//               (onLanguage:yaml: the server decides by content) but they get nothing; then a
//               Dockerfile is created and opened: it gets its diagnostics
//   content     infra/app.yaml (a Deployment, in no folder the workspaceContains globs name) and a Spring
//               application.yml with a top-level services: map: the manifest is found by its content,
//               the Spring file is not Compose; an untitled YAML document is analysed too
//   compose     compose.yaml only: active at startup (workspaceContains), diagnostics for it
//   kubernetes  deploy/app.yaml only: active at startup (workspaceContains), diagnostics for it
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, describeAll, openFile, ruleId, seaworthyDiagnostics, sleep, waitFor, waitForDiagnostics, workspaceUri } from '../helpers';

const KIND = process.env.SEAWORTHY_E2E_WORKSPACE_KIND;
/** How long a window with only unrelated files is watched for an unwanted activation. */
const QUIET_MS = Number(process.env.SEAWORTHY_E2E_QUIET_MS || 4000);

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
  return ext;
}

function openWorkspaceFiles(): string[] {
  // (VS Code itself may load the profile's settings.json as a document: only the workspace's files count.)
  return vscode.workspace.textDocuments.filter((d) => vscode.workspace.getWorkspaceFolder(d.uri)).map((d) => vscode.workspace.asRelativePath(d.uri));
}

suite(`activation: ${KIND} workspace`, () => {
  suiteSetup(() => assert.ok(['unrelated', 'content', 'compose', 'kubernetes'].includes(KIND ?? ''), `SEAWORTHY_E2E_WORKSPACE_KIND=${KIND}`));

  if (KIND === 'unrelated') {
    test('opening a GitHub workflow and a plain config.yaml activates Seaworthy (onLanguage:yaml) but gives them nothing', async () => {
      const ext = extension();
      await sleep(QUIET_MS);
      assert.strictEqual(ext.isActive, false, 'not active at startup: no container file in the workspace');
      const workflow = await openFile('.github/workflows/ci.yml');
      const config = await openFile('config.yaml');
      assert.strictEqual(config.languageId, 'yaml', 'VS Code treats config.yaml as YAML');
      await waitFor(() => ext.isActive, `${EXTENSION_ID} to activate for a YAML file`, 30000);
      await sleep(QUIET_MS);
      assert.deepStrictEqual([...seaworthyDiagnostics(workflow.uri), ...seaworthyDiagnostics(config.uri)], []);
    });

    test('a Dockerfile created and opened gets its diagnostics', async () => {
      const ext = extension();
      const uri = workspaceUri('Dockerfile');
      await vscode.workspace.fs.writeFile(uri, Buffer.from('FROM node:latest\nUSER node\nCMD ["node", "server.js"]\n'));
      const doc = await openFile('Dockerfile');
      assert.strictEqual(doc.languageId, 'dockerfile');
      await waitFor(() => ext.isActive, `${EXTENSION_ID} to activate for a Dockerfile`, 30000);
      const ds = await waitForDiagnostics(doc.uri, 'unpinned-image', 30000);
      assert.ok(ds.some((d) => ruleId(d) === 'unpinned-image' && d.range.start.line === 0), JSON.stringify(describeAll(doc.uri)));
      // The YAML files opened before still get nothing: the server only speaks for container files.
      await sleep(1000);
      assert.deepStrictEqual(describeAll(workspaceUri('config.yaml')), []);
      assert.deepStrictEqual(describeAll(workspaceUri('.github', 'workflows', 'ci.yml')), []);
    });

    test('in this Dockerfile-only workspace, sections no rule applies to are "not assessed" in the exports, not 100/pass', async () => {
      const api = extension().exports as { client(): { sendRequest<R>(m: string, p?: unknown): Promise<R> } };
      const { text } = await api.client().sendRequest<{ text: string }>('seaworthy/report', { format: 'json' });
      const json = JSON.parse(text) as { sections: { id: string; score: number | null; status: string }[] };
      const dr = json.sections.find((s) => s.id === 'disaster-recovery')!;
      assert.deepStrictEqual([dr.score, dr.status], [null, 'not-assessed'], 'disaster recovery: only Compose and Kubernetes rules');
      const md = (await api.client().sendRequest<{ text: string }>('seaworthy/report', { format: 'markdown' })).text;
      assert.match(md, /^\| Disaster recovery \| not assessed \|/m);
    });
  }

  if (KIND === 'content') {
    test('a Deployment in infra/app.yaml (no folder name to go by) activates Seaworthy and gets its diagnostics', async () => {
      const ext = extension();
      await sleep(QUIET_MS);
      assert.strictEqual(ext.isActive, false, 'no workspaceContains glob matches this workspace');
      const doc = await openFile('infra/app.yaml');
      await waitFor(() => ext.isActive, `${EXTENSION_ID} to activate for a YAML file (onLanguage:yaml)`, 30000);
      const ds = await waitForDiagnostics(doc.uri, 'privileged-container', 30000);
      assert.ok(ds.some((d) => ruleId(d) === 'privileged-container' && d.range.start.line === 18), JSON.stringify(describeAll(doc.uri)));
    });

    test('a Spring application.yml with a top-level services: map is not taken for Compose', async () => {
      const probe = await openFile('infra/app.yaml');
      await waitForDiagnostics(probe.uri);
      const doc = await openFile('src/main/resources/application.yml');
      // Opened after a file the server does analyse: once that one has diagnostics, the server has had this one as long.
      const probe2 = await openFile('infra/app.yaml');
      await waitForDiagnostics(probe2.uri);
      await sleep(1500);
      assert.deepStrictEqual(describeAll(doc.uri), [], 'diagnostics on the Spring file');
      const items = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(0, 0));
      assert.deepStrictEqual(items.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)).filter((l) => l.startsWith('seaworthy-')), [], 'no Compose snippets in it');
    });

    test('an untitled YAML document is analysed by its content', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'services:\n  web:\n    image: nginx:latest\n    privileged: true\n' });
      await vscode.window.showTextDocument(doc);
      const ds = await waitForDiagnostics(doc.uri, 'privileged-container', 30000);
      assert.ok(ds.some((d) => ruleId(d) === 'unpinned-image'), JSON.stringify(describeAll(doc.uri)));
    });
  }

  if (KIND === 'compose' || KIND === 'kubernetes') {
    const file = KIND === 'compose' ? 'compose.yaml' : 'deploy/app.yaml';
    const rule = 'unpinned-image';
    test(`activates at startup for a workspace with only ${file}, before any file is opened`, async () => {
      assert.deepStrictEqual(openWorkspaceFiles(), [], 'no workspace file is open');
      await waitFor(() => extension().isActive, `${EXTENSION_ID} to activate (workspaceContains)`, 30000);
    });

    test(`${file} gets its diagnostics`, async () => {
      const doc = await openFile(file);
      const ds = await waitForDiagnostics(doc.uri, rule, 30000);
      const line = KIND === 'compose' ? 2 : 16;   // `image: redis` / `image: registry.acmecorp.io/shop/api`
      assert.ok(ds.some((d) => ruleId(d) === rule && d.range.start.line === line), JSON.stringify(describeAll(doc.uri)));
    });
  }
});
