#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI shares the language server's engine (bundled by `npm run build`).
const path = require('path');
const fs = require('fs');
const { loadBundle, writeCodeCache } = require('./code-cache');

const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('seaworthy: the CLI is not built yet; run `npm run build` (or `npm ci`, which builds) first.\n');
  process.exit(2);
}
const loaded = loadBundle(bundle);
loaded.exports.main(process.argv.slice(2)).then((code) => {
  // `npm run build` runs the CLI once with this set, to save the code it compiled for later runs.
  if (process.env.SEAWORTHY_WRITE_CODE_CACHE) writeCodeCache(loaded);
  // Exit as soon as output is flushed: a library's idle timers must not keep the CLI waiting.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
