// Build: type-check + emit with tsc (tests run from out/), then bundle the shipped entry points with esbuild.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', minify: true, keepNames: true };
await Promise.all([
  build({ ...common, entryPoints: [path.join(root, 'client/src/extension.ts')], outfile: path.join(root, 'dist/client.js'), external: ['vscode'] }),
  build({ ...common, entryPoints: [path.join(root, 'server/src/lsp/main.ts')], outfile: path.join(root, 'dist/server.js') }),
  build({ ...common, entryPoints: [path.join(root, 'server/src/cli/main.ts')], outfile: path.join(root, 'dist/cli.js') }),
]);
