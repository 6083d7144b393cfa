/**
 * Git references of what a build takes from a repository (pip VCS URLs, npm git specs, `cargo install
 * --git`, `git clone`, ADD of a repository): which ref a spec names, and whether that ref stays put.
 */
import { withoutTrailingSlashes } from './text';

/** Branch names that move with every push: pinning to them pins nothing. */
export function isMovingRef(ref: string | undefined): boolean {
  return !ref || /^(?:main|master|develop|development|dev|trunk|head|latest|next|stable|release|default)$/i.test(ref.replace(/^refs\/heads\//, ''));
}

export interface GitInstallSpec {
  /** The repository as written, without scheme and `.git` (`github.com/acme/tool`), for messages. */
  repo: string;
  /** Tag, commit or branch after `@` / `#`; undefined when the spec names none. */
  ref?: string;
  /** The ref is a branch by construction (`cargo install --git … --branch x`). */
  branch?: boolean;
  /** The ref is a semver range resolved against the repository's tags at install time (`#semver:^1.2`). */
  range?: boolean;
}

/**
 * The spec takes whatever the repository holds when the build runs: no ref (the default branch), a
 * branch, or a semver range. A ref that is neither a known branch name nor a range (`v1.2.3`, a commit,
 * `release-4.1`) counts as pinned: a tag and a branch look alike, and a guess is not a finding.
 */
export function gitSpecFloats(spec: GitInstallSpec): boolean {
  return !!spec.branch || !!spec.range || isMovingRef(spec.ref);
}

/** `host/path` of a repository URL (`https://`, `git+ssh://git@`, scp-like `git@host:path`) without scheme, user and `.git`, for messages. */
export function displayRepo(url: string): string {
  const scheme = url.indexOf('://');
  let rest = scheme >= 0 ? url.slice(scheme + 3) : url;
  const user = rest.indexOf('@');
  const slash = rest.indexOf('/');
  if (user >= 0 && (slash < 0 || user < slash)) rest = rest.slice(user + 1);
  // scp-like `host:org/repo`: the colon separates host and path.
  if (scheme < 0) rest = rest.replace(/^([^/:]+):(?!\d+\/)/, '$1/');
  return withoutTrailingSlashes(rest).replace(/\.git$/i, '');
}

/** PEP 508 direct reference: `name[extra] @ <url>` (one word when quoted). */
const DIRECT_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])? ?@ ?/;

/**
 * A pip VCS requirement: `git+https://host/org/repo.git[@ref][#egg=name]`, `git+ssh://git@host/...`, or
 * `name @ git+https://...`. The ref is after the last `@` of the URL's path (an `@` before the path is a user).
 */
export function pipGitSpec(text: string): GitInstallSpec | undefined {
  let t = text.trim();
  const direct = DIRECT_REFERENCE.exec(t);
  if (direct && /^git\+/i.test(t.slice(direct[0].length))) t = t.slice(direct[0].length);
  if (!/^git\+[a-z]+:\/\//i.test(t)) return undefined;
  const hash = t.indexOf('#');
  const url = (hash >= 0 ? t.slice(0, hash) : t).split(/[\s;]/)[0].slice(4);
  const pathStart = url.indexOf('/', url.indexOf('://') + 3);
  const at = pathStart >= 0 ? url.lastIndexOf('@') : -1;
  if (at > pathStart && pathStart >= 0) return { repo: displayRepo(url.slice(0, at)), ref: url.slice(at + 1) || undefined };
  return { repo: displayRepo(url) };
}

const HOSTED = /^(?:github|gitlab|bitbucket|gist):/i;
/** `user/repo` is GitHub shorthand to npm, yarn and pnpm (a folder needs `./`); tarballs are files. */
const SHORTHAND = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:#|$)/;
const ARCHIVE = /\.(?:tgz|tar|tar\.gz|zip)$/i;
/** An npm package name followed by `@` (`tool@github:acme/tool`, `@scope/tool@git+https://…`). */
const NPM_ALIAS = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*@/i;

function isNpmGitLocation(t: string): boolean {
  return HOSTED.test(t) || /^git\+[a-z]+:\/\//i.test(t) || /^git:\/\//i.test(t) || /^git@[^:/]+:/.test(t)
    || (/^(?:https?|ssh):\/\//i.test(t) && /\.git(?:#|$)/i.test(t)) || (SHORTHAND.test(t) && !ARCHIVE.test(t.split('#')[0]));
}

/** An exact semver version (`1.2.3`, `v1.2.3-rc.1`): `#semver:1.2.3` names one tag; anything else is a range. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;

/**
 * An npm/yarn/pnpm git dependency: `github:user/repo[#ref]`, `user/repo[#ref]`, `git+https://…[#ref]`,
 * `git@host:user/repo.git[#ref]`, also behind an alias (`tool@github:user/repo`). `#semver:<range>` is a range.
 */
export function npmGitSpec(text: string): GitInstallSpec | undefined {
  let t = text.trim();
  if (!isNpmGitLocation(t)) {
    const alias = NPM_ALIAS.exec(t);
    if (!alias || !isNpmGitLocation(t.slice(alias[0].length))) return undefined;
    t = t.slice(alias[0].length);
  }
  const hash = t.indexOf('#');
  const location = hash >= 0 ? t.slice(0, hash) : t;
  const repo = HOSTED.test(location) ? location : displayRepo(location.replace(/^git\+/i, ''));
  // `#<committish>::path:<dir>`, `#semver:<range>`, `#path:<dir>`: `::`-separated parts.
  const parts = hash >= 0 ? t.slice(hash + 1).split('::') : [];
  const semver = parts.find((p) => p.startsWith('semver:'))?.slice(7);
  if (semver !== undefined) return { repo, ref: semver, range: !EXACT_VERSION.test(semver) };
  const ref = parts.find((p) => p && !p.includes(':'));
  return { repo, ref };
}
