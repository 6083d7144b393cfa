/**
 * Env files as the workspace layer reads them: parsed once per version of their text (never per rule),
 * the project's `${VAR}` values, and whether a file is committed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { EnvFileModel } from '../model/env';
import { substitute } from '../knowledge/interpolation';
import { isEnvTemplateName, parseEnvFile } from '../parse/env';
import { gitignoreCovers } from '../engine/git-view';
import { readDecodedOrUndefined } from './safe-read';

/** A file's current text (the editor's unsaved text first), or undefined when there is none. */
export type ReadText = (abs: string) => string | undefined;

const MAX_ENV_BYTES = 1 << 20;
export const readFromDisk: ReadText = (abs) => { try { return readDecodedOrUndefined(abs, MAX_ENV_BYTES); } catch { return undefined; } };

interface ParsedEnv { text: string; model: EnvFileModel; vars?: Map<string, string | undefined> }
const parsed = new Map<string, ParsedEnv>();

function entryOf(abs: string, read: ReadText) {
  const text = read(abs);
  if (text === undefined) return undefined;
  const hit = parsed.get(abs);
  if (hit && hit.text === text) return hit;
  if (parsed.size > 1000) parsed.clear();
  const entry: ParsedEnv = { text, model: parseEnvFile(abs, text) };
  parsed.set(abs, entry);
  return entry;
}

/** An env file's model, parsed once per version of its text. */
export function envFileModel(abs: string, read: ReadText): EnvFileModel | undefined {
  return entryOf(abs, read)?.model;
}

/**
 * The values Compose interpolates `${VAR}` with: the project folder's `.env` (a value may use the
 * variables defined above it). The shell's environment is unknown here: what it would set stays unresolved.
 */
export function projectVariables(projectDir: string, read: ReadText): ReadonlyMap<string, string | undefined> {
  const entry = entryOf(path.join(projectDir, '.env'), read);
  if (!entry) return new Map();
  if (!entry.vars) {
    const vars = new Map<string, string | undefined>();
    for (const e of entry.model.entries) vars.set(e.name, e.dynamic ? substitute(e.value ?? '', vars, true) : e.value);
    entry.vars = vars;
  }
  return entry.vars;
}

/** The top of the git work tree holding `abs` (a `.git` folder or file), or undefined outside git. */
function workTreeOf(abs: string): string | undefined {
  for (let d = path.dirname(abs); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * Whether an env file is committed: in a git work tree, tracked or not ignored (`git check-ignore`
 * answers both: a tracked file is never reported ignored); outside git, any env file not named like a
 * template (`.env.example`, `.sample`, `.template`, `.dist`) nor listed in a `.gitignore` beside it.
 */
export function isCommittedEnvFile(abs: string, ignoredByGit: (abs: string, workTree: string) => boolean = gitIgnores): boolean {
  const tree = workTreeOf(abs);
  if (tree === undefined) return !isEnvTemplateName(path.basename(abs)) && !ignoredBeside(abs);
  return !ignoredByGit(abs, tree);
}

/** Outside git, a `.gitignore` beside the file that lists it (as `seaworthy fix` writes) still says it stays out of commits. */
function ignoredBeside(abs: string): boolean {
  let text: string;
  try { text = fs.readFileSync(path.join(path.dirname(abs), '.gitignore'), 'utf8'); } catch { return false; }
  return text.split(/\r?\n/).some((l) => gitignoreCovers(l, path.basename(abs)));
}

const ignoredCache = new Map<string, { stamp: string; ignored: boolean }>();
function gitIgnores(abs: string, workTree: string): boolean {
  let stamp = '';
  for (const f of [path.join(workTree, '.gitignore'), path.join(path.dirname(abs), '.gitignore')]) { try { stamp += fs.statSync(f).mtimeMs; } catch { stamp += '-'; } }
  const hit = ignoredCache.get(abs);
  if (hit && hit.stamp === stamp) return hit.ignored;
  let ignored = false;
  try {
    // Exit status 0: ignored and untracked; 1: not ignored or tracked.
    execFileSync('git', ['check-ignore', '-q', '--', abs], { cwd: workTree, stdio: 'ignore', timeout: 5000 });
    ignored = true;
  } catch { ignored = false; }
  ignoredCache.set(abs, { stamp, ignored });
  return ignored;
}
