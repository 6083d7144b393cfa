/**
 * The build context of a Dockerfile as `docker build` / `docker compose build` sees it: which folder is
 * sent, which ignore file filters it (Docker's own matching rules, through @balena/dockerignore, a port of
 * moby's matcher), and which notable files of it are sent (secret files, `.git`, local database files).
 * Shared by the editor, the CLI and the report; the folder listing is cached per folder and checked
 * again by the modification times of the folders it walked, the ignore matcher per ignore-file text.
 */
import * as fs from 'fs';
import * as path from 'path';
import dockerignore from '@balena/dockerignore';
import type { FileKind } from '../model/common';
import type { ComposeModel } from '../model/compose';
import type { Model } from '../engine/rule';
import { secretFileKind } from '../knowledge/secrets';
import { composeDockerfile } from './links';

/** What the build-context facts read, through the analysis's host (which records each as a dependency). */
export interface ContextIO {
  fileExists(abs: string): boolean;
  modelOf(abs: string, kind: FileKind): Model | undefined;
  textOf(abs: string): string | undefined;
}

export type NotableKind = 'secret' | 'git' | 'database';

/** A notable file or folder of a context that the ignore file does not exclude. */
export interface ShippedFile {
  /** Relative to the context, `/`-separated. */
  path: string;
  kind: NotableKind;
  /** What it is, in words ("an environment file", "the git repository"). */
  what: string;
}

export interface BuildContext {
  /** The folder sent to the builder (absolute). */
  dir: string;
  /** The Compose file and service whose `build:` names this context; absent for the Dockerfile's own folder. */
  via?: { file: string; service: string };
  /** The ignore file applied (`<Dockerfile>.dockerignore` beside the Dockerfile wins over `<context>/.dockerignore`). */
  ignoreFile?: string;
  /** Notable files the ignore file does not exclude, in path order. */
  shipped: ShippedFile[];
  /** The listing stopped at its cap: files past it were not looked at (silence about them, never a guess). */
  truncated: boolean;
}

const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml', 'compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];
/** How many folders above a Dockerfile a Compose file that builds it is looked for. */
const COMPOSE_LEVELS = 3;

/**
 * The contexts a Dockerfile is built with: those of the Compose services (in its folder or up to three
 * above) whose `build:` resolves to it, else its own folder (`docker build .` beside it).
 */
export function buildContextsOf(dockerfile: string, io: ContextIO): BuildContext[] {
  const df = path.resolve(dockerfile);
  const dirs = new Map<string, BuildContext['via']>();
  for (let d = path.dirname(df), i = 0; i <= COMPOSE_LEVELS; i++) {
    for (const name of COMPOSE_NAMES) {
      const file = path.join(d, name);
      if (!io.fileExists(file)) continue;
      const model = io.modelOf(file, 'compose') as ComposeModel | undefined;
      for (const s of model?.kind === 'compose' ? model.services : []) {
        if (composeDockerfile(file, s, io.fileExists) !== df) continue;
        const dir = path.resolve(d, s.build?.context?.value.trim() || '.');
        if (!dirs.has(dir)) dirs.set(dir, { file, service: s.name });
      }
    }
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  if (!dirs.size) dirs.set(path.dirname(df), undefined);
  return [...dirs].map(([dir, via]) => contextOf(df, dir, via, io));
}

function contextOf(dockerfile: string, dir: string, via: BuildContext['via'], io: ContextIO): BuildContext {
  const own = path.join(path.dirname(dockerfile), `${path.basename(dockerfile)}.dockerignore`);
  const shared = path.join(dir, '.dockerignore');
  const ignoreFile = [own, shared].find((f) => io.fileExists(f));
  const ignores = matcherOf(ignoreFile === undefined ? '' : io.textOf(ignoreFile) ?? '');
  const listing = notableFiles(dir);
  const shipped: ShippedFile[] = [];
  for (const n of listing.notable) {
    if (ignores(n.path)) continue;
    const abs = path.join(dir, n.path);
    // Recorded through the host: deleting or editing the file analyses the Dockerfile again.
    if (!io.fileExists(abs)) continue;
    if (path.basename(n.path) === '.npmrc' && !hasRegistryToken(io.textOf(abs))) continue;
    shipped.push(n);
  }
  return { dir, via, ignoreFile, shipped, truncated: listing.truncated };
}

/** An `.npmrc` is a secret when it holds a literal token or password, not `${NPM_TOKEN}` or settings only. */
function hasRegistryToken(text: string | undefined): boolean {
  for (const line of text?.split('\n') ?? []) {
    const m = /^(?:\/\/[^\s=]*:)?(?:_authToken|_auth|_password)\s*=(.*)$/.exec(line.trim());
    const value = m?.[1].trim();
    if (value && !value.startsWith('${')) return true;
  }
  return false;
}

const matchers = new Map<string, (p: string) => boolean>();
/** Whether the ignore file's patterns exclude a context path; built once per ignore-file text. */
function matcherOf(text: string): (p: string) => boolean {
  const hit = matchers.get(text);
  if (hit) return hit;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let ignores: (p: string) => boolean;
  try {
    const ig = dockerignore({ ignorecase: false }).add(lines);
    ignores = (p) => { try { return ig.ignores(p); } catch { return false; } };
  } catch { ignores = () => false; }
  if (matchers.size > 200) matchers.clear();
  matchers.set(text, ignores);
  return ignores;
}

/** Folders never walked: installed dependencies and tool caches (what they hold is not the project's). */
const NOT_WALKED = new Set(['node_modules', 'bower_components', '.venv', 'venv', '__pycache__', '.tox', '.mypy_cache', '.pytest_cache', '.gradle', '.terraform', 'vendor']);
/** Test data, fixtures and examples: their keys and databases are sample material, not the project's secrets or state. */
const SAMPLE_FOLDER = /(?:^|\/)(?:tests?|testdata|test[-_]?data|fixtures?|__tests__|__fixtures__|spec|e2e|examples?|samples?|docs?|mocks?)\//i;
const DATABASE_FILE = /\.(?:sqlite3?|db3?)$|^dump\.rdb$|^appendonly\.aof$|\.dump$/i;
/** Entries the listing visits at most (files and folders); past it the rest of the context is not looked at. */
export const MAX_CONTEXT_ENTRIES = 20000;
const MAX_DEPTH = 16;

interface Listing { notable: ShippedFile[]; truncated: boolean; folders: [string, number][] }
const listings = new Map<string, Listing>();

/** What a file or folder of a context is, when it is worth naming; undefined for everything else. */
export function notableKind(rel: string, isDir: boolean): { kind: NotableKind; what: string } | undefined {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  if (base === '.git') return { kind: 'git', what: 'the git repository, with its history and remotes' };
  if (SAMPLE_FOLDER.test(rel)) return undefined;
  const secret = secretFileKind(rel);
  // Folders are named for the credential folders (`.ssh`, `.aws`), never for an extension (`certs.key/`).
  if (secret && (!isDir || /^\.(?:ssh|aws|gnupg|kube)$/.test(base))) return { kind: 'secret', what: secret };
  if (!isDir && DATABASE_FILE.test(base)) return { kind: 'database', what: 'a local database file' };
  return undefined;
}

/**
 * The notable files of a folder (bounded walk, cached). Checked again by the modification times of the
 * folders walked: a file added or removed anywhere changes its folder's time. Links are not followed.
 */
export function notableFiles(dir: string, maxEntries = MAX_CONTEXT_ENTRIES): Listing {
  const cached = listings.get(dir);
  if (cached && cached.folders.every(([f, t]) => mtimeOf(f) === t)) return cached;
  const listing: Listing = { notable: [], truncated: false, folders: [] };
  let seen = 0;
  const walk = (abs: string, rel: string, depth: number) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(abs, { withFileTypes: true }); } catch { return; }
    listing.folders.push([abs, mtimeOf(abs)]);
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (++seen > maxEntries) { listing.truncated = true; return; }
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const isDir = e.isDirectory();
      if (!isDir && !e.isFile()) continue;
      const notable = notableKind(childRel, isDir);
      if (notable) listing.notable.push({ path: childRel, ...notable });
      if (isDir && !notable && !NOT_WALKED.has(e.name) && depth < MAX_DEPTH) walk(path.join(abs, e.name), childRel, depth + 1);
      if (listing.truncated) return;
    }
  };
  walk(dir, '', 0);
  if (listings.size > 100) listings.clear();
  listings.set(dir, listing);
  return listing;
}

function mtimeOf(abs: string): number {
  try { return fs.statSync(abs).mtimeMs; } catch { return -1; }
}
