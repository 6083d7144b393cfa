import * as path from 'path';
import { performance } from 'perf_hooks';
import { pathToFileURL } from 'url';
import * as gen from './generate';
import { startServer, waitForVersion } from './lsp-latency';
import { median, table } from './stats';

/**
 * What activating on every YAML file costs (issue #15: `onLanguage:yaml`): a fresh server process from
 * spawn to its `initialize` answer, then the first diagnostics of the first document opened: a YAML file
 * that is no container file (a CI workflow, application settings: the server must answer it cheaply,
 * with nothing), against a Dockerfile and a manifest.
 */
export async function startupBench(quick: boolean): Promise<string> {
  const docs = [
    { name: 'application.yml', lang: 'yaml', text: 'server:\n  port: 8080\nspring:\n  datasource:\n    url: jdbc:postgresql://db/app\nservices:\n  billing:\n    url: http://billing\n'.repeat(quick ? 1 : 20) },
    { name: '.github/workflows/ci.yml', lang: 'yaml', text: 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test\n' },
    { name: 'Dockerfile', lang: 'dockerfile', text: gen.dockerfile(quick ? 20 : 100) },
    { name: 'deploy/app.yaml', lang: 'yaml', text: gen.kubernetes(quick ? 2 : 5) },
  ];
  const runs = quick ? 1 : 5;
  const rows: (string | number)[][] = [];
  for (const d of docs) {
    const init: number[] = [];
    const first: number[] = [];
    let findings = 0;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const s = await startServer();
      const t1 = performance.now();
      try {
        const uri = pathToFileURL(path.join('/bench-startup', d.name)).toString();
        let count = 0;
        s.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: unknown[] }) => {
          (s.published.get(p.uri) ?? s.published.set(p.uri, []).get(p.uri)!).push({ version: p.version, at: performance.now() });
          if (p.uri === uri) count = p.diagnostics.length;
        });
        await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: d.lang, version: 1, text: d.text } });
        const at = await waitForVersion(s, uri, 1);
        init.push(t1 - t0);
        first.push(at - t1);
        findings = count;
      } finally { await s.stop(); }
    }
    rows.push([d.name, d.text.split('\n').length, findings, median(init), median(first), median(init) + median(first)]);
  }
  return table(['first document', 'lines', 'diagnostics', 'spawn → initialize ms', 'open → first diagnostics ms', 'total ms'], rows);
}
