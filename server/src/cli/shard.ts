import { createHash } from 'crypto';
import * as path from 'path';
import { baseName, kindFromName } from '../parse/detect';
import { UsageError } from './usage';

/** `--shard i/n`: the i-th of n shares (1-based), as CI matrices number their jobs. */
export interface ShardSpec { index: number; total: number }

export function parseShard(v: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : NaN, total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total) throw new UsageError(`--shard needs i/n with 1 ≤ i ≤ n (got "${v}")`);
  return { index, total };
}

/** Files that make a folder one project, whose files belong together: Compose files, Helm charts, Kustomize. */
function isProjectMarker(file: string): boolean {
  const name = baseName(file).toLowerCase();
  return kindFromName(file) === 'compose' || name === 'chart.yaml' || name === 'kustomization.yaml' || name === 'kustomization.yml';
}

/**
 * The group a file is sharded with: the nearest folder at or above it holding a project marker among
 * the run's files (a Compose project with the Dockerfiles under it, a chart with its templates and
 * values), else its own folder. A marker in a scanned root itself does not count: a repository's
 * top-level Compose file would make the whole tree one group, and one shard do all the work. Paths are
 * taken relative to the working directory with `/`, so every job of a CI matrix computes the same
 * groups wherever the repository is checked out.
 */
export function groupsOf(files: string[], roots: string[], cwd = process.cwd()): Map<string, string> {
  const top = new Set(roots.map((r) => path.resolve(cwd, r)));
  const projects = new Set(files.filter(isProjectMarker).map((f) => path.dirname(path.resolve(cwd, f))).filter((d) => !top.has(d)));
  const out = new Map<string, string>();
  for (const f of files) {
    const own = path.dirname(path.resolve(cwd, f));
    let group = own;
    for (let d = own; ; d = path.dirname(d)) {
      if (projects.has(d)) { group = d; break; }
      if (path.dirname(d) === d) break;
    }
    out.set(f, path.relative(cwd, group).split(path.sep).join('/'));
  }
  return out;
}

function bucketOf(key: string, total: number): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) % total;
}

/** The files of shard `spec`, in their original order: whole groups, chosen by a hash of the group's path. */
export function shareOf(files: string[], roots: string[], spec: ShardSpec, cwd = process.cwd()): string[] {
  const groups = groupsOf(files, roots, cwd);
  return files.filter((f) => bucketOf(groups.get(f)!, spec.total) === spec.index - 1);
}
