#!/usr/bin/env node
'use strict';
// The Seaworthy language server for any LSP editor (Neovim, Helix, Zed, Emacs, JetBrains): the same bundle
// the VS Code extension starts. Editors start it as `seaworthy-language-server --stdio`; stdio is also the
// transport when none is named (--stdio, --node-ipc, --socket=N, --pipe=NAME), so a forgotten flag works.
const path = require('path');
const fs = require('fs');

const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-v')) {
  process.stdout.write(`${require('../package.json').version}\n`);
  process.exit(0);
}
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write('Usage: seaworthy-language-server --stdio\n\nSpeaks the Language Server Protocol over stdin/stdout. Set-ups for Neovim, Helix, Zed, Emacs and JetBrains: docs/editors.md\n');
  process.exit(0);
}
if (!args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) process.argv.push('--stdio');

const bundle = path.join(__dirname, '..', 'dist', 'server.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('seaworthy-language-server: the server is not built yet; run `npm run build` (or `npm ci`, which builds) first.\n');
  process.exit(2);
}
require(bundle);
