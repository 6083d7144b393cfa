import * as v8 from 'v8';
import { isMainThread } from 'worker_threads';
import { Connection, createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { format } from 'util';
import { FrameGuard } from './frame-guard';
import { guardProcess } from './process-guard';
import { startServer } from './server';

// A long-lived editor process: let V8 grow the heap conservatively. After a workspace scan the index
// holds ~30 MB of live data (10× benchmark corpus), but with the default growing factor (up to 4× the
// peak reached while scanning) the heap stayed committed at ~300 MB of mostly uncollected garbage.
// This is no cap: the heap may still grow to the usual limit; it is collected sooner.
v8.setFlagsFromString('--optimize-for-size');

// In a worker thread of a parallel workspace scan (workspace/parallel-index.ts) this bundle only serves analyses.
if (isMainThread) start();

function start(): void {
  let connection: Connection | undefined;
  // First, so that nothing that goes wrong later, even while starting, ends the process.
  const guard = guardProcess((m) => {
    if (connection) connection.console.error(`[seaworthy] ${m}`); else process.stderr.write(`[seaworthy] ${m}\n`);
  });
  // The VS Code client's transport is an IPC channel, and vscode-jsonrpc waits for a 'close' event that a
  // process never emits when it loses it: without this, a server whose editor died ran on until the
  // processId poll noticed, or forever when the parent lingers as a zombie.
  process.on('disconnect', () => process.exit(1));
  // The transport (--node-ipc from the VS Code client, --stdio from other editors and tests) is picked from argv;
  // over stdio, broken frames are dropped before the JSON-RPC reader sees them (frame-guard.ts).
  connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
  startServer(connection, guard);
}

function stdioConnection(): Connection {
  let dropped = 0;
  const input = process.stdin.pipe(new FrameGuard((why) => {
    if (++dropped <= 20) process.stderr.write(`[seaworthy] dropped a malformed message from the client: ${why}\n`);
  }));
  // With streams given, vscode-languageserver no longer sends console output to the client's log as it does
  // for --stdio; stdout is the protocol's, so console output goes to stderr.
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) console[level] = (...args: unknown[]) => { process.stderr.write(`${format(...args)}\n`); };
  return createConnection(ProposedFeatures.all, input, process.stdout);
}
