import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');

describe('bundles (npm run build)', () => {
  for (const name of ['cli.js', 'server.js']) {
    it(`${name} carries no per-token process.env lookup of the yaml library`, () => {
      const text = fs.readFileSync(path.join(root, 'dist', name), 'utf8');
      assert.ok(text.includes('Not a YAML token'), 'the yaml parser is in the bundle');
      assert.ok(!/LOG_TOKENS|LOG_STREAM/.test(text), 'yaml-debug-switches (scripts/build.mjs) did not apply');
    });
  }
});
