import { spawnSync } from 'child_process';
import { build } from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median, table } from './stats';

const root = path.resolve(__dirname, '..', '..');
const bin = (p: string) => path.join(root, 'node_modules', p);

interface ManifestRow { path: string; kind: string }

/** The corpus, optionally copied N times into a temp folder (each copy a subfolder, as a monorepo would hold them). */
export function corpusCopy(corpusReal: string, copies: number): { dir: string; compose: string[]; dockerfiles: string[]; cleanup: () => void } {
  const manifest = JSON.parse(fs.readFileSync(path.join(corpusReal, 'manifest.json'), 'utf8')) as ManifestRow[] | { files: ManifestRow[] };
  const rows = Array.isArray(manifest) ? manifest : manifest.files;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-bench-'));
  const compose: string[] = [];
  const dockerfiles: string[] = [];
  for (let i = 0; i < copies; i++) {
    const dest = path.join(dir, `copy${i}`);
    fs.cpSync(corpusReal, dest, { recursive: true });
    for (const r of rows) {
      const rel = r.path.replace(/^real\//, '');
      if (r.kind === 'compose') compose.push(path.join(dest, rel));
      if (r.kind === 'dockerfile') dockerfiles.push(path.join(dest, rel));
    }
  }
  return { dir, compose, dockerfiles, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function time(cmd: string, args: string[], cwd: string): { ms: number; status: number | null; stdout: string; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return { ms: performance.now() - t0, status: r.status, stdout: r.stdout, stderr: r.stderr.slice(0, 300) };
}

/** bench/parse-floor.ts bundled as the CLI is (same bundler, minifier and yaml plugin), into a temp folder. */
async function parseFloorBundle(dir: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { yamlDebugSwitches } = require(path.join(root, 'scripts', 'yaml-debug-switches.cjs'));
  const outfile = path.join(dir, 'parse-floor.js');
  await build({ entryPoints: [path.join(root, 'bench', 'parse-floor.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, keepNames: true, outfile, plugins: [yamlDebugSwitches], logLevel: 'warning' });
  return outfile;
}

/** Seaworthy's full scan (all rules, all kinds) against each peer on its own subset, same files, same run. */
export async function peers(corpusReal: string, quick: boolean): Promise<string> {
  const rows: (string | number)[][] = [];
  const floorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-floor-'));
  const floor = await parseFloorBundle(floorDir);
  const floorName = 'parsers alone (dockerfile-ast + yaml, no model, no rules)';
  try {
    for (const copies of quick ? [1] : [1, 10]) {
      const c = corpusCopy(corpusReal, copies);
      // Three runs each (medians), except that a tool taking over 20 s (dclint and secretlint on the 10× copy) runs once.
      const runs = quick ? 1 : 3;
      try {
        const tools: { name: string; files: string; cmd: string[] }[] = [
          { name: 'seaworthy check (all rules, all files)', files: 'all', cmd: [path.join(root, 'bin', 'seaworthy.js'), 'check', c.dir, '--format', 'json'] },
          { name: 'dclint (Compose files)', files: `${c.compose.length} compose`, cmd: [bin('dclint/bin/dclint.cjs'), ...c.compose] },
          { name: 'dockerfilelint (Dockerfiles)', files: `${c.dockerfiles.length} Dockerfiles`, cmd: [bin('dockerfilelint/bin/dockerfilelint'), ...c.dockerfiles] },
          { name: 'secretlint recommended (all files)', files: 'all', cmd: [bin('secretlint/bin/secretlint.js'), '--secretlintrc', path.join(root, 'bench', 'secretlintrc.json'), '--format', 'json', `${c.dir}/**/*`] },
          { name: floorName, files: 'all', cmd: [floor, c.dir] },
        ];
        const times = new Map<string, number[]>();
        let scanned = -1;
        for (let r = 0; r < runs; r++) {
          for (const t of tools) {
            if (r > 0 && (times.get(t.name)?.[0] ?? 0) > 20_000) continue;
            const res = time(process.execPath, t.cmd, c.dir);
            // Linters exit non-zero when they find problems (dockerfilelint: the number of problems); only a signal or a crash message is a failure.
            if (res.status === null || /^(Error|TypeError|SyntaxError)|\n\s+at /.test(res.stderr)) throw new Error(`${t.name} failed (${res.status}): ${res.stderr}`);
            (times.get(t.name) ?? times.set(t.name, []).get(t.name)!).push(res.ms);
            if (t === tools[0]) scanned = (JSON.parse(res.stdout) as { filesScanned: number }).filesScanned;
            if (t.name === floorName && res.stdout.trim() !== `${scanned} files parsed`) throw new Error(`the parse floor read other files than check: "${res.stdout.trim()}" vs ${scanned}`);
          }
        }
        const sw = median(times.get(tools[0].name)!);
        const fl = median(times.get(floorName)!);
        for (const t of tools) {
          const m = median(times.get(t.name)!);
          const peer = t !== tools[0] && t.name !== floorName;
          rows.push([`${copies}×`, t.name, t.files, times.get(t.name)!.length, m, t === tools[0] ? '—' : `${(sw / m).toFixed(2)}`, peer ? `${(fl / m).toFixed(2)}` : '—']);
        }
      } finally { c.cleanup(); }
    }
  } finally { fs.rmSync(floorDir, { recursive: true, force: true }); }
  return table(['corpus', 'tool', 'files', 'runs', 'wall ms (median)', 'seaworthy / peer', 'parsers alone / peer'], rows);
}
