#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI shares the language server's engine (bundled by `npm run build`).
const path = require('path');
const fs = require('fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('seaworthy: the CLI is not built yet; run `npm run build` (or `npm ci`, which builds) first.\n');
  process.exit(2);
}
// Exit as soon as output is flushed: a library's idle timers must not keep the CLI waiting.
require(bundle).main(process.argv.slice(2)).then((code) => {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
