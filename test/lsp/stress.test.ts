import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { TestClient } from './lsp-client';
import { generateWorkspace } from './generated-workspace';

/** How long the stress runs (CI: the default minute). */
const SECONDS = Number(process.env.SEAWORTHY_STRESS_SECONDS ?? 60);
/** Requests in flight at once. */
const CONCURRENCY = 300;
const RSS_LIMIT_MB = 600;

// Token-bearing texts (secretlint runs on every analysis of them), built from parts: no full token in the source.
const GITHUB = 'ghp_' + 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pIN';
const TEXTS: { name: string; languageId: string; text: (v: number) => string }[] = [
  { name: 'Dockerfile', languageId: 'dockerfile', text: (v) => `FROM node:20.${v % 10}-alpine\nENV GITHUB_TOKEN=${GITHUB}${String(v % 100).padStart(2, '0')}\nENV DB_PASSWORD=hunter${v}\nCMD ["node", "server.js"]\n` },
  { name: 'compose.yaml', languageId: 'yaml', text: (v) => `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: pw-${v}\n      DATABASE_URL: postgres://app:Kx8vQ2pLm${v}@db:5432/app\n  api:\n    build: .\n` },
  { name: 'k8s.yaml', languageId: 'yaml', text: (v) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api-${v}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: shop/api:1.${v}.0\n          env:\n            - name: API_TOKEN\n              value: ${GITHUB}${String(v % 100).padStart(2, '0')}\n          envFrom:\n            - configMapRef:\n                name: api-config\n` },
];

/** Resident memory of a process in bytes (Linux /proc; elsewhere the server's own report). */
async function rssOf(client: TestClient): Promise<number> {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${client.proc.pid}/status`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux */ }
  return ((await client.conn.sendRequest('seaworthy/memory', {})) as { rss: number }).rss;
}

describe(`language server under stress (${SECONDS} s, ${CONCURRENCY} requests in flight; SEAWORTHY_STRESS_SECONDS)`, function () {
  this.timeout((SECONDS + 180) * 1000);
  let dir: string;
  let client: TestClient;
  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-stress-')));
    generateWorkspace(dir, 40);
  });
  after(async () => { await client?.shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('answers every open/change/close/code-action/report request, never exits, and its memory stays bounded', async () => {
    client = new TestClient();
    let exits = 0;
    // A dead server answers nothing: end the pending requests (they fail) rather than wait for ever.
    client.proc.on('exit', () => { exits++; client.conn.dispose(); });
    await client.initializeWorkspace(dir);
    const docs = Array.from({ length: 60 }, (_, i) => {
      const t = TEXTS[i % TEXTS.length];
      return { uri: pathToFileURL(path.join(dir, `stress-${i}`, t.name)).toString(), ...t, version: 0, open: false };
    });
    let seed = 12345;
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const counts = { requests: 0, answered: 0, lspErrors: 0, notifications: 0, reports: 0 };
    const failures: string[] = [];
    let peakRss = 0;
    const rssSamples: number[] = [];

    /** One request: answered with a result or an LSP error, anything else is a failure. */
    const request = async (method: string, params: unknown) => {
      counts.requests++;
      try { await client.conn.sendRequest(method, params); counts.answered++; } catch (e) {
        if (typeof (e as { code?: unknown }).code === 'number') { counts.answered++; counts.lspErrors++; } else failures.push(`${method}: ${(e as Error).message}`);
      }
    };
    const notify = (method: string, params: unknown) => { counts.notifications++; return client.conn.sendNotification(method, params); };

    const operation = async () => {
      const d = docs[random(docs.length)];
      const roll = random(100);
      if (!d.open) { d.open = true; d.version = 1; await notify('textDocument/didOpen', { textDocument: { uri: d.uri, languageId: d.languageId, version: 1, text: d.text(1) } }); return; }
      if (roll < 35) {
        d.version++;
        // Alternately a whole new text and an insertion at the top.
        const change = d.version % 2 ? { text: d.text(d.version) } : { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `# edit ${d.version}\n` };
        await notify('textDocument/didChange', { textDocument: { uri: d.uri, version: d.version }, contentChanges: [change] });
      } else if (roll < 40) {
        d.open = false;
        await notify('textDocument/didClose', { textDocument: { uri: d.uri } });
      } else if (roll < 42) {
        counts.reports++;
        await request('seaworthy/report', roll === 40 ? { format: 'sarif' } : {});
      } else if (roll < 44) {
        await request('seaworthy/stats', undefined);
      } else {
        await request('textDocument/codeAction', {
          textDocument: { uri: d.uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
          context: { diagnostics: [], ...(roll % 3 === 0 ? { only: ['source.fixAll.seaworthy'] } : {}) },
        });
      }
    };

    const deadline = Date.now() + SECONDS * 1000;
    const sampler = setInterval(() => {
      void rssOf(client).then((r) => { rssSamples.push(r); peakRss = Math.max(peakRss, r); }, () => undefined);
    }, 500);
    try {
      // CONCURRENCY workers, each starting its next operation as soon as the last one is answered.
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < deadline && exits === 0 && failures.length < 20) await operation();
      }));
    } finally { clearInterval(sampler); }
    // Everything sent has been answered; one more request shows the server still works.
    const stats = exits ? { analyses: NaN, survivedErrors: NaN } : (await client.conn.sendRequest('seaworthy/stats')) as { analyses: number; survivedErrors: number };
    const summary = `stress: ${counts.requests} requests (${counts.answered} answered, ${counts.lspErrors} LSP errors, ${counts.reports} reports), `
      + `${counts.notifications} notifications, ${stats.analyses} analyses, ${exits} exits, ${stats.survivedErrors} survived errors, `
      + `peak RSS ${(peakRss / 1048576).toFixed(0)} MB (${rssSamples.length} samples, last ${((rssSamples[rssSamples.length - 1] ?? 0) / 1048576).toFixed(0)} MB)`;
    console.log(`      ${summary}`);
    assert.strictEqual(exits, 0, `${summary}\n${client.stderr.slice(0, 2000)}`);
    assert.deepStrictEqual(failures, [], summary);
    assert.strictEqual(counts.answered, counts.requests, summary);
    assert.ok(counts.requests >= CONCURRENCY, summary);
    assert.ok(peakRss > 0 && peakRss < RSS_LIMIT_MB * 1048576, summary);
  });
});
