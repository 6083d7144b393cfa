// Build: type-check + emit with tsc (tests run from out/), then bundle the shipped entry points with esbuild.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlDebugSwitches } from './yaml-debug-switches.cjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });

const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', minify: true, keepNames: true, plugins: [yamlDebugSwitches],
  define: { __SEAWORTHY_VERSION__: JSON.stringify(version) },   // server/src/cli/version.ts
};
await Promise.all([
  build({ ...common, entryPoints: [path.join(root, 'client/src/extension.ts')], outfile: path.join(root, 'dist/client.js'), external: ['vscode'] }),
  build({ ...common, entryPoints: [path.join(root, 'server/src/lsp/main.ts')], outfile: path.join(root, 'dist/server.js') }),
  build({ ...common, entryPoints: [path.join(root, 'server/src/cli/main.ts')], outfile: path.join(root, 'dist/cli.js') }),
]);

// Train the CLI's code cache (bin/code-cache.js): one check of the example project and the rule fixtures
// compiles the functions a typical scan runs; their bytecode is saved beside the bundle.
const cli = path.join(root, 'bin/seaworthy.js');
rmSync(path.join(root, 'dist/cli.js.cache'), { force: true });
const training = ['examples', 'test/fixtures/rules'].filter((p) => existsSync(path.join(root, p)));
const trained = spawnSync(process.execPath, [cli, 'check', ...training, '--format', 'json'], {
  cwd: root, env: { ...process.env, SEAWORTHY_WRITE_CODE_CACHE: '1' }, stdio: ['ignore', 'ignore', 'inherit'],
});
// check exits 1 when it finds errors, which the training projects have by design.
if (trained.status !== 0 && trained.status !== 1) throw new Error(`training the CLI code cache failed (exit ${trained.status})`);
