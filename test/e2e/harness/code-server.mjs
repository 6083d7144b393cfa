// Start/stop code-server (the real VS Code server with a Node extension host) for one e2e run.
//  - own process group (detached) so the whole tree (server, extension hosts, file watchers, language
//    servers) is stopped together;
//  - own XDG_CONFIG_HOME / XDG_DATA_HOME / XDG_CACHE_HOME / TMPDIR / --user-data-dir / --extensions-dir
//    inside a short per-run state folder (unix socket paths stay short);
//  - listens on 127.0.0.1 only, on a free port;
//  - `--vscode-option enable-smoke-test-driver` so the workbench honours the extension-test payload.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CODE_SERVER_ENTRY, NODE24_BIN, checkTools, findFiles, log, makeStateDir, tail } from './env.mjs';

/** Quiet, deterministic user settings: no startup editor, telemetry, update checks, AI/chat or git. */
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'files.autoSave': 'off',   // code-server's default is afterDelay; desktop VS Code's is off
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Environment for code-server and everything it spawns (also inherited by the remote extension host). */
export function isolatedEnv(stateDir, extra = {}) {
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(stateDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(stateDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(stateDir, 'xdg-cache'),
    TMPDIR: path.join(stateDir, 'tmp'),
    ...extra,
  };
  // Variables of an outer VS Code / code-server would confuse the nested one.
  for (const k of Object.keys(env)) {
    if (/^(VSCODE_(IPC_HOOK|PID|CWD|NLS_CONFIG|HANDLES|CODE_CACHE|ESM_ENTRYPOINT|CRASH_REPORTER|AMD_ENTRYPOINT)|ELECTRON_RUN_AS_NODE|CODE_SERVER_PARENT_PID)/.test(k)) delete env[k];
  }
  for (const d of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'TMPDIR']) fs.mkdirSync(env[d], { recursive: true });
  return env;
}

function prepareDirs({ stateDir, userDataDir, extensionsDir, settings }) {
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const file = path.join(userDataDir, 'User', 'settings.json');
  // Settings a launcher wrote (test-electron's user-data-dir) win over the defaults.
  let existing = {};
  try { existing = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* none yet */ }
  fs.writeFileSync(file, JSON.stringify({ ...DEFAULT_SETTINGS, ...existing, ...settings }, null, 2));
  fs.mkdirSync(stateDir, { recursive: true });
}

/** Install a .vsix into the extensions dir exactly as a user would (code-server --install-extension). */
export function installExtension(vsix, { stateDir, userDataDir = path.join(stateDir, 'ud'), extensionsDir = path.join(stateDir, 'exts') }) {
  checkTools();
  prepareDirs({ stateDir, userDataDir, extensionsDir, settings: {} });
  const r = spawnSync(NODE24_BIN, [CODE_SERVER_ENTRY, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--install-extension', vsix], { env: isolatedEnv(stateDir), encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  log('code-server', `installed ${path.basename(vsix)}: ${(r.stdout || '').trim().split('\n').pop()}`);
}

/**
 * Start code-server. Returns { url, port, pid, stateDir, userDataDir, extensionsDir, logFile, env, stop(), logTails() }.
 * Options: stateDir (default: fresh temp dir), userDataDir, extensionsDir, settings (merged into user settings),
 * env (extra environment; the remote extension host inherits it), smokeTestDriver (default true), extraArgs.
 */
export async function startCodeServer(opts = {}) {
  checkTools();
  const stateDir = opts.stateDir || makeStateDir();
  const userDataDir = opts.userDataDir || path.join(stateDir, 'ud');
  const extensionsDir = opts.extensionsDir || path.join(stateDir, 'exts');
  prepareDirs({ stateDir, userDataDir, extensionsDir, settings: opts.settings || {} });
  const env = isolatedEnv(stateDir, opts.env || {});
  const logFile = path.join(stateDir, 'code-server.log');

  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const args = [CODE_SERVER_ENTRY,
      '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
      '--ignore-last-opened', '--reconnection-grace-time', '5',
      '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
      ...(opts.smokeTestDriver === false ? [] : ['--vscode-option', 'enable-smoke-test-driver']),
      ...(opts.extraArgs || [])];
    const fd = fs.openSync(logFile, 'a');
    // detached => setsid => pid is the process-group id of the whole server tree.
    const child = spawn(NODE24_BIN, args, { detached: true, stdio: ['ignore', fd, fd], env, cwd: stateDir });
    fs.closeSync(fd);
    let exited = false;
    child.on('exit', () => { exited = true; });
    const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* gone */ } };
    const onExit = () => killGroup('SIGKILL');
    process.on('exit', onExit);

    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60000;
    let up = false;
    while (!up && !exited && Date.now() < deadline) {
      try { up = (await fetch(`${url}/healthz`)).ok; } catch { /* not yet */ }
      if (!up) await new Promise((r) => setTimeout(r, 250));
    }
    const stop = async () => {
      process.removeListener('exit', onExit);
      killGroup('SIGTERM');
      for (let i = 0; i < 40; i++) {
        try { process.kill(-child.pid, 0); } catch { return; }   // group gone
        await new Promise((r) => setTimeout(r, 125));
      }
      killGroup('SIGKILL');
    };
    if (up) {
      log('code-server', `up on ${url} (pgid ${child.pid}, state ${stateDir})`);
      return {
        url, port, pid: child.pid, stateDir, userDataDir, extensionsDir, logFile, env, stop,
        logTails: (lines) => logTails({ stateDir, userDataDir, logFile }, lines),
      };
    }
    await stop();
    lastError = `code-server did not come up (attempt ${attempt}${exited ? ', process exited' : ', timeout'})`;
    log('code-server', lastError);
    if (!/EADDRINUSE/.test(tail(logFile, 20))) break;   // only a port race is worth retrying
  }
  throw new Error(`${lastError}\n--- code-server.log ---\n${tail(logFile, 80)}`);
}

/** The tails of the logs that explain a failure: remote extension host log(s) and code-server's own log. */
export function logTails({ stateDir, userDataDir, logFile }, lines = 60) {
  const parts = [];
  const logsRoot = path.join(userDataDir || path.join(stateDir, 'ud'), 'logs');
  const exthost = findFiles(logsRoot, /^(remoteexthost|exthost)\.log$/);
  // Output channels of the extensions under test: logs/<ts>/exthostN/<publisher.name>/<Channel>.log
  // (built-in vscode.* extensions left out).
  const channels = findFiles(logsRoot, /\.log$/).filter((f) => {
    const ext = path.basename(path.dirname(f));
    return /^exthost\d+$/.test(path.basename(path.dirname(path.dirname(f)))) && !ext.startsWith('vscode.');
  });
  for (const f of [...exthost, ...channels]) parts.push(`--- ${f} (last ${lines} lines) ---\n${tail(f, lines)}`);
  if (logFile) parts.push(`--- ${logFile} (last ${lines} lines) ---\n${tail(logFile, lines)}`);
  return parts.join('\n');
}
