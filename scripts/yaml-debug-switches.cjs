'use strict';
const { readFile } = require('fs/promises');

/**
 * esbuild plugin. The yaml library reads `process.env.LOG_TOKENS` / `LOG_STREAM` (debug printing) once
 * per token, and process.env is a slow native lookup: about 6% of a large workspace scan. Bundles fix
 * both to "unset". A yaml upgrade that drops or renames them fails the build instead of silently
 * keeping the cost. Used by the build and by the benchmark's parse-floor bundle.
 */
exports.yamlDebugSwitches = {
  name: 'yaml-debug-switches',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const patched = text.replace(/\bnode_process\.env\.LOG_(TOKENS|STREAM)\b/g, 'undefined');
      if (patched === text) throw new Error(`yaml-debug-switches: no LOG_TOKENS/LOG_STREAM lookup found in ${args.path}; check the yaml upgrade`);
      return { contents: patched, loader: 'js' };
    });
  },
};
