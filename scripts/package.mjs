// Packages the extension: copies exactly the shipped files into a staging folder and runs vsce there,
// so the file list is deterministic and vsce never walks tool caches or node_modules in the checkout.
// Usage: node scripts/package.mjs [--out FILE]   (default: seaworthy-<version>.vsix in the repo root)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const outArg = process.argv.indexOf('--out');
const out = path.resolve(outArg > 0 ? process.argv[outArg + 1] : path.join(root, `${pkg.name}-${pkg.version}.vsix`));

/** Shipped files, relative to the repo root: the bundles, docs, snippets, grammars, schemas. */
export function shippedFiles() {
  const files = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'images/icon.png', 'dist/client.js', 'dist/server.js'];
  const addDir = (dir, re) => {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) return;
    for (const f of fs.readdirSync(abs).sort()) if (re.test(f)) files.push(`${dir}/${f}`);
  };
  addDir('docs/rules', /\.md$/);
  addDir('docs', /\.png$/);
  addDir('snippets', /\.json$/);
  addDir('syntaxes', /\.json$/);
  addDir('schemas', /\.json$/);
  return files;
}

/** docs/extension-readme.md with its relative link targets re-based from docs/ to the package root. */
export function extensionReadme() {
  const text = fs.readFileSync(path.join(root, 'docs', 'extension-readme.md'), 'utf8');
  return text.replace(/\]\((?![a-z][a-z0-9+.-]*:|#|\/)([^)\s]+)\)/gi, (_, target) => `](docs/${target})`);
}

const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-stage-'));
try {
  for (const f of shippedFiles()) {
    fs.mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(stage, f));
  }
  fs.writeFileSync(path.join(stage, '.vscodeignore'), '');
  // The page users see in the Extensions view is docs/extension-readme.md, not the repository README
  // (which starts with the developer's commands). Its relative links point into docs/, which the package
  // ships: they are re-based to the package root and vsce is told not to rewrite them to the web, so the
  // screenshots show offline, from inside the installed extension.
  fs.writeFileSync(path.join(stage, 'README.md'), extensionReadme());
  const staged = JSON.parse(fs.readFileSync(path.join(stage, 'package.json'), 'utf8'));
  delete staged.devDependencies;   // bundled: nothing to install
  delete staged.dependencies;
  delete staged.scripts;
  // npm's fields: the package on the npm registry (both CLIs) is `npm pack`'s; vsce would read `files`
  // as an allowlist of its own.
  delete staged.files;
  delete staged.bin;
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n');
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  // The rule docs and the server bundle contain deliberately fake credentials (bad examples, test
  // patterns); vsce's publisher safeguard would refuse them.
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-package-all-secrets', '--no-rewrite-relative-links', '--out', out], { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });
  console.log(`packaged ${path.relative(process.cwd(), out) || out}`);
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
