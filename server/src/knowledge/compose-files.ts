import * as nodePath from 'path';

/** Compose file names `docker compose` finds in a folder by itself. */
export const DEFAULT_COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/**
 * A missing relative path of a Compose file that exists from a folder above it holding a Compose project
 * (`extensions/curator/curator-compose.yml` merged with `-f` into the root project, whose folder relative paths
 * then resolve from; or a snippet meant to be copied there). Returns that folder relative to the file's folder.
 */
export function resolvesFromProjectAbove(composePath: string, relative: string, exists: (absPath: string) => boolean, levels = 4): string | undefined {
  if (nodePath.isAbsolute(relative)) return undefined;
  let dir = nodePath.dirname(nodePath.resolve(composePath));
  for (let up = 1; up <= levels; up++) {
    const parent = nodePath.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
    if (DEFAULT_COMPOSE_NAMES.some((n) => exists(nodePath.join(dir, n))) && exists(nodePath.join(dir, relative))) {
      return nodePath.relative(nodePath.dirname(nodePath.resolve(composePath)), dir) || '.';
    }
  }
  return undefined;
}

/**
 * Env files no checkout has by design: `.env` (kept out of git, created from an example per checkout) and
 * `stack.env` (written by Portainer from the stack's variables). Returns why, or undefined.
 */
export function envFileMadeElsewhere(path: string): string | undefined {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  if (base === 'stack.env') return 'Portainer writes stack.env from the stack\'s environment variables when it deploys';
  if (base === '.env') return '.env files are kept out of git and created per checkout (usually from an example file)';
  return undefined;
}
