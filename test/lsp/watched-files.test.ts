import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { serverPath, TestClient } from './lsp-client';
import { generateWorkspace, rewrite } from './generated-workspace';

const SERVICES = 1000; // 3 files each: a 3,000-file workspace

/** Exits `proc` within `ms`? Resolves with the exit code, or undefined if it still runs. */
function exitWithin(proc: TestClient['proc'], ms: number): Promise<number | null | undefined> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(undefined), ms);
    proc.once('exit', (code) => { clearTimeout(t); resolve(code); });
  });
}

/** Whether a process of ours has ended (an orphan's zombie counts: PID 1 of a container may not reap it). */
function ended(pid: number): boolean {
  try {
    if (process.platform === 'linux') return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('Z');
    process.kill(pid, 0);
    return false;
  } catch { return true; }
}

/** A branch switch: 200 files of a workspace of `services` rewritten on disk, one watcher event each. */
function switchBranch(dir: string, services: number, generation: number, manifests: number): string[] {
  const changed: string[] = [];
  for (let i = 0; i < 200; i++) {
    const service = (i * 7 + generation) % services;
    changed.push(rewrite(dir, service, i < manifests ? 'k8s.yaml' : i % 2 ? 'Dockerfile' : 'compose.yaml', generation));
  }
  return changed;
}

const events = (client: TestClient, files: string[]) => Promise.all(files.map((f) =>
  client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(f).toString(), type: 2 }] })));

describe('language server: file events on a 3,000-file workspace', function () {
  this.timeout(300000);
  let dir: string;
  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-watch-')));
    generateWorkspace(dir, SERVICES);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies 200 watched-file events as one update: each changed file and each reader analysed once, one score', async () => {
    const client = new TestClient();
    try {
      const scores: unknown[] = [];
      client.conn.onNotification('seaworthy/score', (n) => { scores.push(n); });
      await client.initializeWorkspace(dir);
      const scan = (await client.conn.sendRequest('seaworthy/report', {})) as { analyses: number; report: { totals: { files: number } } };
      assert.strictEqual(scan.analyses, 3 * SERVICES);
      assert.strictEqual(scan.report.totals.files, 3 * SERVICES);
      const { rss } = (await client.conn.sendRequest('seaworthy/memory', {})) as { rss: number };
      console.log(`      report over ${3 * SERVICES} files: RSS ${(rss / 1048576).toFixed(0)} MB`);
      assert.ok(rss < 1024 * 1048576, `RSS ${(rss / 1048576).toFixed(0)} MB after indexing ${3 * SERVICES} files`);
      const before = ((await client.conn.sendRequest('seaworthy/stats')) as { indexAnalyses: number }).indexAnalyses;
      const scoresBefore = scores.length;
      // 10 manifests (their ConfigMaps change: every manifest reads the workspace catalogue) and 190 Dockerfiles and Compose files.
      const changed = switchBranch(dir, SERVICES, 1, 10);
      // Each changed file once, each Compose file that builds a changed Dockerfile once, every manifest once.
      const composeOfChangedDockerfiles = changed.filter((f) => f.endsWith('Dockerfile') && !changed.includes(path.join(path.dirname(f), 'compose.yaml'))).length;
      // A Dockerfile that copies its whole context reads the Compose file beside it (its build context): once per changed Compose file.
      const dockerfilesOfChangedCompose = changed.filter((f) => f.endsWith('compose.yaml') && !changed.includes(path.join(path.dirname(f), 'Dockerfile'))).length;
      const expected = (changed.length - 10) + composeOfChangedDockerfiles + dockerfilesOfChangedCompose + SERVICES;
      assert.ok(composeOfChangedDockerfiles > 0);
      await events(client, changed);
      // While the update runs, the server still answers: it yields to the event loop between analyses
      // (requests, cancellation and the end of its client are noticed), so some answer shows it half done.
      const seen: number[] = [];
      for (let last = before; last < before + expected && seen.length < 20000;) {
        last = ((await client.conn.sendRequest('seaworthy/stats')) as { indexAnalyses: number }).indexAnalyses;
        seen.push(last - before);
      }
      assert.ok(seen.some((n) => n > 0 && n < expected), `no answer while the update ran: ${[...new Set(seen)].join(', ')}`);
      const after = (await client.conn.sendRequest('seaworthy/report', {})) as { report: { totals: { files: number } } };
      const analyses = ((await client.conn.sendRequest('seaworthy/stats')) as { indexAnalyses: number }).indexAnalyses - before;
      assert.strictEqual(analyses, expected, `${analyses} analyses for ${changed.length} changed files (applied one by one: 10 × ${SERVICES} manifests and more)`);
      assert.strictEqual(after.report.totals.files, 3 * SERVICES);
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(scores.length - scoresBefore <= 2, `${scores.length - scoresBefore} score notifications (each one builds the whole report)`);
      assert.strictEqual(client.proc.exitCode, null);
    } finally { await client.shutdown(); }
  });

});

describe('language server: the end of its client', function () {
  this.timeout(120000);
  const services = 200;
  let dir: string;
  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-exit-')));
    generateWorkspace(dir, services);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const how of ['its stdin closes', 'its parent process ends'] as const) {
    it(`exits within seconds when ${how}, even while busy with file events`, async () => {
      // The "editor": a process whose id the server watches (initialize's processId).
      const parent = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      const client = new TestClient();
      try {
        await client.initializeWorkspace(dir, parent.pid);
        await client.conn.sendRequest('seaworthy/report', {});
        // Half of them manifests: every manifest reads the workspace catalogue, so there is work for a while.
        await events(client, switchBranch(dir, services, 2, 100));
        // Past the batching delay: the server is now applying the events.
        await new Promise((r) => setTimeout(r, 1000));
        assert.strictEqual(client.proc.exitCode, null, 'the server is running');
        if (how === 'its stdin closes') client.proc.stdin!.end(); else parent.kill('SIGKILL');
        // The server polls its parent's process every 3 s.
        const code = await exitWithin(client.proc, 8000);
        assert.notStrictEqual(code, undefined, `the server still runs 8 s after ${how}`);
      } finally {
        parent.kill('SIGKILL');
        client.proc.kill('SIGKILL');
        client.conn.dispose();
      }
    });
  }

  it('exits within seconds when the IPC channel to its editor closes (the VS Code client\'s transport)', async () => {
    // A parent that forks the server as vscode-languageclient does (--node-ipc, --clientProcessId), then is killed.
    // The id given is of a process that lives on (this test's), as a parent that lingers as a zombie or whose
    // id was reused would: the server must notice the closed channel itself.
    const args = JSON.stringify(['--node-ipc', `--clientProcessId=${process.pid}`]);
    const parent = spawn(process.execPath, ['-e', `const c = require('child_process').fork(${JSON.stringify(serverPath)}, ${args}, { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
    try {
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(!ended(pid), 'the server is running');
      parent.kill('SIGKILL');
      const deadline = Date.now() + 8000;
      while (!ended(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(ended(pid), 'the server still runs 8 s after its editor went away');
    } finally {
      parent.kill('SIGKILL');
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });
});
