/**
 * `.seaworthy.yaml`: the project's own configuration, checked into the repository so that the editor,
 * the CLI and CI agree. Found by walking up from the analysed file to the workspace or repository root.
 * Layering: defaults < .seaworthy.yaml < editor settings / CLI flags.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument, YAMLMap } from 'yaml';
import type { Range } from '../model/range';
import { compileGlob, Glob, globProblem, InvalidGlob } from '../workspace/globs';
import { readTextFile, SIDE_FILE_MAX_BYTES, UnreadableFile } from '../workspace/safe-read';
import { allRules } from '../rules';
import type { EngineConfig, RuleLevel } from './config';

export const PROJECT_CONFIG_NAMES = ['.seaworthy.yaml', '.seaworthy.yml'];
/** Ids that are not rules but can be configured like one (the CLI reports unused suppressions under it). */
export const PSEUDO_RULE_IDS = ['unused-suppression'];
export const LEVELS: RuleLevel[] = ['error', 'warning', 'info', 'off'];

export interface ProjectConfig {
  rules: Record<string, RuleLevel>;
  /** Globs relative to the config file's folder; a pattern without `/` matches at any depth. */
  ignore: string[];
  allowedRegistries?: string[];
  dataDirectories?: Record<string, string[]>;
  oneShot?: string[];
  requireDigests?: boolean;
  /** A `check --write-baseline` file, relative to this file's folder: the editor shows its findings as hints, or hides them. */
  baseline?: string;
  baselineFindings?: BaselineDisplay;
}

export type BaselineDisplay = 'hint' | 'hide';

export interface ConfigError { message: string; range: Range; /** 1-based, for CLI messages. */ line: number; column: number }
export interface LoadedProjectConfig { file: string; dir: string; config: ProjectConfig; errors: ConfigError[] }

/** The keys, their JSON-Schema shape and description: the validator and `scripts/gen-schema.ts` share them. */
export const CONFIG_KEYS: Record<string, { description: string; schema: Record<string, unknown> }> = {
  rules: { description: 'Per-rule severity, or `off`. Keys are rule ids.', schema: { type: 'object' } },
  ignore: { description: 'Paths not analysed: globs relative to this file (`**`, `*`, `?`, `{a,b}`); a pattern without `/` matches at any depth, a folder ignores everything in it.', schema: { type: 'array', items: { type: 'string' } } },
  allowedRegistries: { description: 'Registries images may come from (empty: any).', schema: { type: 'array', items: { type: 'string' } } },
  dataDirectories: { description: 'Data directories of in-house images (image name without tag → absolute paths), merged over the built-in datastore knowledge.', schema: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string', pattern: '^/' } } } },
  oneShot: { description: 'Compose services / Kubernetes workloads that run once and exit (no healthcheck or restart policy expected).', schema: { type: 'array', items: { type: 'string' } } },
  requireDigests: { description: 'Require images pinned by digest (`@sha256:...`), not only by tag.', schema: { type: 'boolean' } },
  baseline: { description: 'A baseline written by `seaworthy check --write-baseline FILE`, relative to this file: the editor shows the findings it records as hints (or hides them, see baselineFindings). The CLI reads it only with `--baseline FILE`.', schema: { type: 'string' } },
  baselineFindings: { description: 'How the editor shows findings recorded in the baseline: `hint` (faded, default) or `hide`.', schema: { enum: ['hint', 'hide'] } },
};

export function knownRuleIds(): string[] { return [...allRules.map((r) => r.id), ...PSEUDO_RULE_IDS]; }

/** Parses and validates a config file's text; invalid entries are dropped and reported, valid ones kept. */
export function parseProjectConfig(file: string, text: string, ruleIds: string[] = knownRuleIds()): LoadedProjectConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const config: ProjectConfig = { rules: {}, ignore: [] };
  const errors: ConfigError[] = [];
  const pos = (offset: number) => { const p = lc.linePos(offset); return { line: p.line - 1, character: p.col - 1 }; };
  const fail = (node: Node | undefined | null, message: string) => {
    const [s, e] = node?.range ?? [0, 0];
    const start = pos(s);
    errors.push({ message, range: { start, end: pos(e) }, line: start.line + 1, column: start.character + 1 });
  };
  for (const e of doc.errors) {
    const start = pos(e.pos[0]);
    errors.push({ message: `YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, range: { start, end: pos(e.pos[1]) }, line: start.line + 1, column: start.character + 1 });
  }
  if (doc.errors.length) return { file, dir: path.dirname(file), config, errors };
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { file, dir: path.dirname(file), config, errors };
  if (!isMap(root)) { fail(root, 'The configuration must be a map of keys (rules, ignore, ...).'); return { file, dir: path.dirname(file), config, errors }; }

  /** `check` says what is wrong with an entry, which is then left out. */
  const strings = (node: unknown, what: string, check: (v: string) => string | undefined = () => undefined): string[] | undefined => {
    if (!isSeq(node)) { fail(node as Node, `${what} must be a list of strings.`); return undefined; }
    const out: string[] = [];
    for (const item of node.items) {
      if (!(isScalar(item) && typeof item.value === 'string' && item.value.trim())) { fail(item as Node, `${what} entries must be non-empty strings.`); continue; }
      const problem = check(item.value.trim());
      if (problem) fail(item as Node, `${what} entry "${item.value.trim()}" is not a valid glob: ${problem}. It is left out; the other entries apply.`);
      else out.push(item.value.trim());
    }
    return out;
  };
  for (const pair of root.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const value = pair.value as Node | null;
    switch (key) {
      case 'rules': {
        if (!isMap(value)) { if (value !== null) fail(value, '`rules` must be a map of rule id to error, warning, info or off.'); break; }
        for (const r of (value as YAMLMap).items) {
          const idNode = r.key as Node;
          const id = isScalar(idNode) ? String(idNode.value) : '';
          if (!ruleIds.includes(id)) { fail(idNode, `Unknown rule id "${id}"${suggest(id, ruleIds)}.`); continue; }
          const level = isScalar(r.value) ? String(r.value.value) : undefined;
          if (!level || !(LEVELS as string[]).includes(level)) { fail((r.value as Node) ?? idNode, `Rule "${id}": severity must be one of ${LEVELS.join(', ')}${level ? `, not "${level}"` : ''}.`); continue; }
          config.rules[id] = level as RuleLevel;
        }
        break;
      }
      case 'ignore': config.ignore = strings(value, '`ignore`', ignoreGlobProblem) ?? []; break;
      case 'allowedRegistries': config.allowedRegistries = strings(value, '`allowedRegistries`'); break;
      case 'oneShot': config.oneShot = strings(value, '`oneShot`'); break;
      case 'requireDigests':
        if (isScalar(value) && typeof value.value === 'boolean') config.requireDigests = value.value;
        else fail(value ?? keyNode, '`requireDigests` must be true or false.');
        break;
      case 'baseline':
        if (isScalar(value) && typeof value.value === 'string' && value.value.trim()) config.baseline = value.value.trim();
        else fail(value ?? keyNode, '`baseline` must be the path of a baseline file (seaworthy check --write-baseline FILE).');
        break;
      case 'baselineFindings':
        if (isScalar(value) && (value.value === 'hint' || value.value === 'hide')) config.baselineFindings = value.value;
        else fail(value ?? keyNode, '`baselineFindings` must be hint or hide.');
        break;
      case 'dataDirectories': {
        if (!isMap(value)) { fail(value ?? keyNode, '`dataDirectories` must be a map of image name to a list of absolute paths.'); break; }
        const dd: Record<string, string[]> = {};
        for (const entry of (value as YAMLMap).items) {
          const image = isScalar(entry.key) ? String(entry.key.value) : '';
          const dirs = strings(entry.value, `dataDirectories "${image}"`);
          if (!dirs) continue;
          const bad = dirs.find((d) => !d.startsWith('/'));
          if (bad) { fail(entry.value as Node, `dataDirectories "${image}": "${bad}" is not an absolute path inside the container.`); continue; }
          dd[image] = dirs;
        }
        config.dataDirectories = dd;
        break;
      }
      default:
        fail(keyNode, `Unknown key "${key}"${suggest(key, Object.keys(CONFIG_KEYS))}; known keys: ${Object.keys(CONFIG_KEYS).join(', ')}.`);
    }
  }
  return { file, dir: path.dirname(file), config, errors };
}

function suggest(word: string, known: string[]): string {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const k of known) { const d = distance(word.toLowerCase(), k.toLowerCase()); if (d < bestD) { best = k; bestD = d; } }
  return best ? ` (did you mean "${best}"?)` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** Layers a project configuration over an engine configuration (which it copies). */
export function applyProjectConfig(base: EngineConfig, pc: ProjectConfig | undefined): EngineConfig {
  const out: EngineConfig = { ...base, rules: { ...base.rules }, settings: { ...base.settings, dataDirectories: { ...base.settings.dataDirectories } } };
  if (!pc) return out;
  Object.assign(out.rules, pc.rules);
  if (pc.dataDirectories) Object.assign(out.settings.dataDirectories, pc.dataDirectories);
  if (pc.oneShot) out.settings.oneShot = pc.oneShot;
  if (pc.allowedRegistries) out.settings.allowedRegistries = pc.allowedRegistries;
  if (pc.requireDigests !== undefined) out.settings.requireDigests = pc.requireDigests;
  return out;
}

/** An `ignore` entry as matched: relative to the config's folder, at any depth when it has no `/`. */
function ignoreGlob(entry: string): string {
  const pattern = entry.replace(/^\.?\//, '').replace(/\/$/, '');
  return pattern.includes('/') ? pattern : `**/${pattern}`;
}

/** Checked as written, so that positions in the message are the entry's own. */
function ignoreGlobProblem(entry: string): string | undefined {
  const problem = globProblem(entry);
  if (problem) return problem;
  try { compileGlob(ignoreGlob(entry)); return undefined; } catch (e) { if (e instanceof InvalidGlob) return e.reason; throw e; }
}

/** Compiled once per loaded config (isIgnoredBy runs for every file of a scan). */
const compiledIgnores = new WeakMap<ProjectConfig, Glob[]>();
function ignoreGlobsOf(config: ProjectConfig): Glob[] {
  let globs = compiledIgnores.get(config);
  if (!globs) {
    // Entries were checked when the file was parsed; one built by hand that is invalid matches nothing.
    // `g/**` stands for "inside a folder matching g": one match per pattern instead of one per path prefix.
    globs = config.ignore.flatMap((g) => { try { const glob = ignoreGlob(g); return [compileGlob(glob), compileGlob(`${glob}/**`)]; } catch { return []; } });
    compiledIgnores.set(config, globs);
  }
  return globs;
}

/** Whether a file (absolute path) is excluded by the config's `ignore` globs; a folder ignores everything in it. */
export function isIgnoredBy(loaded: LoadedProjectConfig | undefined, abs: string): boolean {
  if (!loaded?.config.ignore.length) return false;
  const rel = path.relative(loaded.dir, abs).split(path.sep).join('/');
  if (!rel || rel.startsWith('../')) return false;
  return ignoreGlobsOf(loaded.config).some((g) => g.test(rel));
}

/**
 * Finds and caches the config that applies to each file. The walk stops at a root (workspace folder),
 * at a folder holding `.git`, or at the file-system root.
 */
export class ProjectConfigResolver {
  private readonly fileOfDir = new Map<string, string | undefined>();
  private readonly loaded = new Map<string, LoadedProjectConfig>();
  /** `read` may throw UnreadableFile: a config that exists but cannot be read (a FIFO, a folder) is an error, not an empty config. */
  constructor(private readonly roots: string[] = [], private readonly read: (abs: string) => string | undefined = (abs) => readTextFile(abs, SIDE_FILE_MAX_BYTES)) {}

  configFileFor(abs: string): string | undefined {
    const chain: string[] = [];
    let found: string | undefined;
    for (let dir = path.dirname(path.resolve(abs)); ; dir = path.dirname(dir)) {
      if (this.fileOfDir.has(dir)) { found = this.fileOfDir.get(dir); break; }
      chain.push(dir);
      found = PROJECT_CONFIG_NAMES.map((n) => path.join(dir, n)).find((f) => fs.existsSync(f));
      if (found || this.roots.includes(dir) || fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) break;
    }
    for (const d of chain) this.fileOfDir.set(d, found);
    return found;
  }

  load(file: string): LoadedProjectConfig {
    let l = this.loaded.get(file);
    if (!l) {
      let text: string | undefined;
      try { text = this.read(file); } catch (e) {
        if (!(e instanceof UnreadableFile)) throw e;
        if (e.reason !== 'missing') {
          const start = { line: 0, character: 0 };
          l = { file, dir: path.dirname(file), config: { rules: {}, ignore: [] }, errors: [{ message: `Could not read the configuration: ${e.message}.`, range: { start, end: start }, line: 1, column: 1 }] };
        }
      }
      l ??= parseProjectConfig(file, text ?? '');
      this.loaded.set(file, l);
    }
    return l;
  }

  /** The project config for a file, and whether its `ignore` excludes the file. */
  forFile(abs: string): { project?: LoadedProjectConfig; ignored: boolean } {
    const file = this.configFileFor(abs);
    const project = file ? this.load(file) : undefined;
    return { project, ignored: isIgnoredBy(project, path.resolve(abs)) };
  }

  /** Forget everything (a config file was created, changed or deleted). */
  invalidate(): void { this.fileOfDir.clear(); this.loaded.clear(); }
}

/** `path:line:col: message` lines for a terminal. */
export function formatConfigErrors(loaded: LoadedProjectConfig, display: (abs: string) => string = (p) => p): string {
  return loaded.errors.map((e) => `${display(loaded.file)}:${e.line}:${e.column}: ${e.message}`).join('\n');
}

/**
 * For batch commands (check, fix, report): the effective configuration of each file, the files not
 * ignored, and the config files that have errors (the command should stop with exit code 2).
 */
export function resolveForFiles(files: string[], base: EngineConfig, resolver = new ProjectConfigResolver()): { files: string[]; configOf: (file: string) => EngineConfig; broken: LoadedProjectConfig[] } {
  const byConfig = new Map<string, EngineConfig>();
  const broken = new Map<string, LoadedProjectConfig>();
  const kept: string[] = [];
  const of = new Map<string, EngineConfig>();
  for (const f of files) {
    const { project, ignored } = resolver.forFile(f);
    if (project?.errors.length) broken.set(project.file, project);
    if (ignored) continue;
    kept.push(f);
    const key = project?.file ?? '';
    if (!byConfig.has(key)) byConfig.set(key, applyProjectConfig(base, project?.config));
    of.set(f, byConfig.get(key)!);
  }
  return { files: kept, configOf: (f) => of.get(f) ?? base, broken: [...broken.values()] };
}
