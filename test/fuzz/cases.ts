/**
 * The fuzzer's inputs: the repository's own Dockerfiles, Compose files and Kubernetes/Helm manifests
 * (test/fixtures, examples), mutated. A case is a pure function of (seed, index) and the seed files,
 * so any case can be regenerated and written out as a file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { detectKind, isCandidatePath } from '../../server/src/parse/detect';
import { mutate } from './mutators';
import { Rng } from './prng';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
/**
 * Named folders, not all of test/fixtures: a new folder of test data elsewhere must not renumber every case
 * (the unit layer's slice and its pending list are case numbers). Fixtures added to these folders do renumber:
 * rerun the slice then (docs/fuzzing.md).
 */
const SEED_DIRS = ['test/fixtures/fixes', 'test/fixtures/rules', 'test/fixtures/workspaces', 'examples'];
/** JSON files and the fuzzer's own outputs are not seeds; vendored schemas are not inputs Seaworthy reads. */
const SKIP = /(?:^|\/)(?:sarif|fuzz-failures)(?:\/|$)|\.json$/i;

export interface SeedFile { rel: string; text: string }
export interface FuzzCase { seed: number; index: number; source: string; mutations: string[]; text: string }

let seeds: SeedFile[] | undefined;

/** Every fixture and example that Seaworthy analyses, sorted, so case numbers mean the same everywhere. */
export function seedFiles(): SeedFile[] {
  if (seeds) return seeds;
  const out: SeedFile[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = `${dir}/${e.name}`;
      if (SKIP.test(rel)) continue;
      if (e.isDirectory()) walk(rel);
      else if (e.isFile() && isCandidatePath(rel)) {
        const text = fs.readFileSync(path.join(repoRoot, rel), 'utf8');
        if (detectKind(rel, text)) out.push({ rel, text });
      }
    }
  };
  for (const d of SEED_DIRS) if (fs.existsSync(path.join(repoRoot, d))) walk(d);
  if (!out.length) throw new Error(`no seed files under ${SEED_DIRS.join(', ')}`);
  seeds = out;
  return out;
}

/** Case `index` of campaign `seed`: a seed file and the mutations applied to it. */
export function makeCase(seed: number, index: number): FuzzCase {
  const files = seedFiles();
  const rng = Rng.forCase(seed, index);
  const source = files[rng.int(files.length)];
  const { text, mutations } = mutate(source.text, rng, () => files[rng.int(files.length)].text);
  return { seed, index, source: source.rel, mutations, text };
}
