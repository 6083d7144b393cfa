/**
 * A Compose file as `docker compose` sees it: `${VAR}` interpolated from the project's `.env`, an
 * overlay (`compose.override.yaml`, or a file whose services only add to the base's) merged over its
 * base, `extends:` and `include:` resolved. Rules run on that merged view; what they report on text of
 * another file is that file's finding (dropped here), and related information pointing there is given
 * its file and lines.
 *
 * Other files' YAML is placed after the analysed file's text in one combined offset space, so every
 * node keeps an exact range and rules need not know which file a value came from.
 */
import * as path from 'path';
import { Document, isMap, Node, Pair, Scalar, visit, YAMLMap } from 'yaml';
import { parseAllDocumentsBounded } from '../parse/yaml-depth';
import type { ComposeModel } from '../model/compose';
import type { EnvEntry } from '../model/common';
import { Range, SourceText } from '../model/range';
import { parseCompose, readComposeRoot } from '../parse/compose';
import { yamlParserInput } from '../parse/yaml';
import { registerHomeDocument, YView } from '../parse/yaml-view';
import { envFileModel, projectVariables, ReadText } from './env-files';
import { mergeComposeNodes, withoutKey } from './compose-merge';

export interface ComposeProject {
  /** The file's own model (variables interpolated): what suppressions, fixes and links read. */
  model: ComposeModel;
  /** The model rules judge: the merged view when other files take part, else `model`. */
  ruleModel: ComposeModel;
  /** The other files merged into the view, in the order they were read. */
  files: string[];
  /** The base file this overlay is merged over: its problems are its own, reported there. */
  base?: string;
  /**
   * The folder relative paths are resolved against: the base's for an overlay (Compose resolves every
   * file's paths against the first file's folder), else the file's own.
   */
  projectDir: string;
  /** Drops findings on other files' text and gives related information on it its file. */
  /**
   * Drops findings on other files' text and gives related information on it its file. `baseHas` tells the
   * base's own problems: another finding on the base's text is the overlay's doing and moves to its service.
   */
  place<T extends { ruleId: string; message: string; range: Range; related?: { message: string; range: Range; file?: string }[] }>(findings: T[], baseHas?: (ruleId: string, message: string) => boolean): T[];
}

const BASE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE_NAME = /^(docker-)?compose\.override\.ya?ml$/i;
const MAX_FILES = 16;

/** The base file an overlay is merged over, and the folder Compose reads `.env` from. */
function baseOf(abs: string, root: YView | undefined, read: ReadText): string | undefined {
  const name = path.basename(abs);
  // A file with a base's name is a base, unless its services only add to those of a base above
  // (docker-zulip's ci/<case>/compose.yaml over the root compose.yaml).
  const baseName = BASE_NAMES.includes(name.toLowerCase());
  const dir = path.dirname(abs);
  const findBase = (folder: string) => {
    // `docker-compose.override.yml` goes with `docker-compose.yml`, `compose.override.yaml` with `compose.yaml`.
    const prefer = name.toLowerCase().startsWith('docker-') ? [...BASE_NAMES.slice(2), ...BASE_NAMES.slice(0, 2)] : BASE_NAMES;
    for (const b of prefer) { const p = path.join(folder, b); if (p !== abs && read(p) !== undefined) return p; }
    return undefined;
  };
  // An override merges over the base beside it; one kept in a subfolder (a catalogue of optional overrides
  // to copy next to the base) over the base of a folder above that defines its services. Another file is an
  // overlay when one of its services names a base service and cannot run alone (no image, no build, no
  // extends): it only adds to the base's definition.
  // `docker-compose.test.override.yml` overrides `docker-compose.test.yml` when there is one.
  const named = /^(.+)\.override\.(ya?ml)$/i.exec(name);
  const own = !baseName && named && ['yml', 'yaml'].map((ext) => path.join(dir, `${named[1]}.${ext}`)).find((p) => read(p) !== undefined);
  if (own) return own;
  const override = !baseName && OVERRIDE_NAME.test(name);
  if (override) { const beside = findBase(dir); if (beside) return beside; }
  const services = (root?.get('services')?.entries() ?? []).filter((e) => e.value.isMap);
  const partial = services.filter((e) => override || (!e.value.has('image') && !e.value.has('build') && !e.value.has('extends'))).map((e) => e.key);
  if (!partial.length) return undefined;
  let folder = baseName ? path.dirname(dir) : dir;
  for (let up = 0; up < 4 && !(baseName && folder === dir); up++) {
    const base = findBase(folder);
    const baseServices = base ? standaloneRoot(read(base))?.get('services') : undefined;
    if (base && partial.some((s) => baseServices?.get(s)?.isMap)) return base;
    if (path.dirname(folder) === folder) break;
    folder = path.dirname(folder);
  }
  return undefined;
}

/** A file's root read on its own (no ranges needed): for deciding whether it is a base. */
function standaloneRoot(text: string | undefined): YView | undefined {
  if (text === undefined) return undefined;
  const placed = placeDocument(yamlParserInput(text).input, 0);
  return placed && new YView(placed.contents as Node, placed, new SourceText(''));
}

function placeDocument(input: string, offset: number): Document.Parsed | undefined {
  try {
    const docs = parseAllDocumentsBounded(offset ? '\n'.repeat(offset) + input.slice(0) : input, { merge: true, uniqueKeys: false, strict: false });
    const list = Array.isArray(docs) ? docs : [docs as unknown as Document.Parsed];
    return list.find((d) => isMap(d.contents) && !d.errors.length) ?? list.find((d) => isMap(d.contents));
  } catch { return undefined; }
}

/** Text of the analysed file followed by the other files of the project, each at its own offset. */
class ProjectText {
  private readonly chunks: string[];
  private length: number;
  readonly parts: { file: string; start: number; doc?: Document.Parsed }[] = [];
  constructor(own: string) { this.chunks = [own]; this.length = own.length; }
  /** Appends a file and parses it where it now sits; undefined when it cannot be read as a map. */
  add(file: string, text: string): Document.Parsed | undefined {
    const start = this.length + 1;
    this.chunks.push('\n', text);
    this.length = start + text.length;
    const doc = placeDocument(yamlParserInput(text).input, start);
    // Aliases of the other file resolve against their own document once placed in the merged view.
    if (doc) visit(doc, { Alias: (_k, n) => { registerHomeDocument(n as Node, doc); } });
    this.parts.push({ file, start, doc });
    return doc;
  }
  source(): SourceText { return new SourceText(this.chunks.join('')); }
}

/**
 * The analysed Compose file as its project sees it. `read` returns a file's text (the editor's
 * unsaved text first) or undefined; env files are parsed once per version of their text.
 */
export function composeProject(abs: string, text: string, read: ReadText): ComposeProject {
  const own0 = parseCompose(abs, text);
  // An overlay of an overlay (`-f compose.yaml -f ci/compose.yaml -f ci/extra.yaml`): merged in that order.
  const bases: string[] = [];
  for (let b = baseOf(abs, own0.root, read); b && b !== abs && !bases.includes(b) && bases.length < 3; b = baseOf(b, standaloneRoot(read(b)), read)) bases.push(b);
  const base = bases[0];
  const projectDir = bases.length ? path.dirname(bases[bases.length - 1]) : path.dirname(abs);
  const vars = projectVariables(projectDir, read);
  const model = vars.size ? parseCompose(abs, text, vars) : own0;
  const root = model.root;
  const needsExtends = (r: YView | undefined) => (r?.get('services')?.entries() ?? []).some((e) => e.value.has('extends'));
  const includes = root?.get('include')?.items() ?? [];
  if (!root || (!base && !includes.length && !needsExtends(root))) {
    const ruleModel = { ...model };
    addEnvFileEntries(ruleModel, read, projectDir);
    return { model, ruleModel, files: [], projectDir, place: (f) => f.filter((x) => x.range.start.line < FAR) };
  }

  const project = new ProjectText(text);
  const views = new Map<string, YView | undefined>();
  const rootOf = (file: string): YView | undefined => {
    if (file === abs) return root;
    if (views.has(file)) return views.get(file);
    views.set(file, undefined);
    const t = project.parts.length < MAX_FILES ? read(file) : undefined;
    const doc = t === undefined ? undefined : project.add(file, t);
    // Views are made once the combined text is complete (their ranges read it).
    views.set(file, doc ? new YView(doc.contents as Node, doc, PENDING) : undefined);
    return views.get(file);
  };
  // Discover the files first, so the combined text is complete before any range is computed.
  const PENDING = new SourceText('');
  const discover = (file: string, depth: number) => {
    const r = rootOf(file);
    if (!r || depth > 5) return;
    for (const e of r.get('services')?.entries() ?? []) {
      const f = e.value.get('extends')?.get('file')?.str();
      if (f && !f.dynamic) { const p = path.resolve(path.dirname(file), f.value); if (!views.has(p) && p !== abs) discover(p, depth + 1); }
    }
    for (const inc of includePaths(r, file)) if (!views.has(inc) && inc !== abs) discover(inc, depth + 1);
  };
  for (const b of bases) discover(b, 1);
  discover(abs, 0);
  const source = project.source();
  const final = new Map<string, YView>();
  const viewOf = (file: string): YView | undefined => {
    if (file === abs) return new YView(root.node, root.doc, source);
    const v = views.get(file);
    if (!v) return undefined;
    if (!final.has(file)) final.set(file, new YView(v.node, v.doc, source));
    return final.get(file);
  };

  // Each file's root with its `extends:` resolved and its `include:`d services added.
  const resolved = new Map<string, YView | undefined>();
  const resolvedRoot = (file: string, depth = 0): YView | undefined => {
    if (resolved.has(file)) return resolved.get(file);
    resolved.set(file, viewOf(file));
    const r = viewOf(file);
    if (!r || depth > 5) return r;
    const services = new Map<string, ServiceNode>();
    for (const e of r.get('services')?.entries() ?? []) services.set(e.key, { key: e.pair.key, value: resolveExtends(file, e.key, e.value, 0) ?? e.value.node });
    for (const inc of includePaths(r, file)) {
      const ir = resolvedRoot(inc, depth + 1);
      for (const e of ir?.get('services')?.entries() ?? []) if (!services.has(e.key)) services.set(e.key, { key: e.pair.key, value: e.value.node });
    }
    const out = r.child(replaceServices(r, services));
    resolved.set(file, out);
    return out;
  };
  const resolveExtends = (file: string, name: string, service: YView, depth: number): Node | undefined => {
    const ext = service.get('extends');
    if (!ext || depth > 5) return undefined;
    const target = ext.str()?.value ?? ext.get('service')?.str()?.value;
    const f = ext.get('file')?.str();
    if (!target || f?.dynamic) return undefined;
    const file2 = f ? path.resolve(path.dirname(file), f.value) : file;
    const r2 = viewOf(file2);
    const parent = r2?.get('services')?.get(target);
    if (!parent?.isMap || (file2 === file && target === name)) return undefined;
    const parentNode = resolveExtends(file2, target, parent, depth + 1) ?? parent.node;
    return mergeComposeNodes(service.child(parentNode), service.child(withoutKey(service, 'extends')), ['services', name]) ?? undefined;
  };

  const ownRoot = resolvedRoot(abs)!;
  let mergedRoot = ownRoot;
  if (base) {
    let baseRoot: YView | undefined;
    for (const b of [...bases].reverse()) {
      const r = resolvedRoot(b);
      if (r) baseRoot = baseRoot ? baseRoot.child(mergeComposeNodes(baseRoot, r, []) ?? r.node) : r;
    }
    if (baseRoot) mergedRoot = ownRoot.child(mergeComposeNodes(baseRoot, ownRoot, []) ?? ownRoot.node);
  }
  const ruleModel: ComposeModel = { ...model, source, services: [], namedVolumes: new Map() };
  readComposeRoot(ruleModel, mergedRoot, vars);
  addEnvFileEntries(ruleModel, read, projectDir);

  const ownLines = model.source.lineCount;
  const starts = project.parts.map((p) => ({ file: p.file, line: source.positionAt(p.start).line }));
  const fileOf = (r: Range) => {
    let hit: { file: string; line: number } | undefined;
    for (const s of starts) if (r.start.line >= s.line) hit = s;
    return hit;
  };
  const shift = (r: Range, line: number): Range => ({ start: { line: r.start.line - line, character: r.start.character }, end: { line: r.end.line - line, character: r.end.character } });
  return {
    model, ruleModel, files: project.parts.map((p) => p.file), base, projectDir,
    place(findings, baseHas) {
      const out = [];
      const ownServices = new Map(model.services.map((s) => [s.name, s] as const));
      for (const f of findings) {
        if (f.range.start.line >= ownLines) {
          // On another file's text. The base's own problem is reported there; one the overlay brings about
          // (it resets a volume the base mounts) belongs to the overlay's service, with the value related.
          const at = f.range.start.line < FAR ? fileOf(f.range) : undefined;
          if (!base || !baseHas || baseHas(f.ruleId, f.message) || !at || !bases.includes(at.file)) continue;
          const service = [...f.message.matchAll(/"([^"]+)"/g)].map((m) => ownServices.get(m[1])).find((x) => x !== undefined);
          if (!service) continue;
          f.related = [{ message: 'The value is in the base file', range: shift(f.range, at.line), file: at.file }, ...(f.related ?? [])];
          f.range = service.keyRange;
        }
        if (f.related) {
          f.related = f.related.map((r) => {
            if (r.file !== undefined || r.range.start.line < ownLines) return r;
            const at = fileOf(r.range);
            return at ? { message: r.message, range: shift(r.range, at.line), file: at.file } : r;
          });
        }
        out.push(f);
      }
      return out;
    },
  };
}

/** The files a root's top-level `include:` names (string items, `path:` strings or lists). */
function includePaths(root: YView, file: string): string[] {
  const out: string[] = [];
  for (const inc of root.get('include')?.items() ?? []) {
    for (const p of [inc.str(), inc.get('path')?.str(), ...(inc.get('path')?.items() ?? []).map((i) => i.str())]) {
      if (p && !p.dynamic && !/^[a-z][a-z0-9+.-]*:\/\//i.test(p.value) && !p.value.startsWith('oci:')) out.push(path.resolve(path.dirname(file), p.value));
    }
  }
  return out;
}

/** A root map whose `services:` holds the given service nodes (other top-level keys unchanged). */
/** A service's key (where its name is written, in whichever file) and its definition. */
interface ServiceNode { key: Node; value: Node | null }

function replaceServices(root: YView, services: Map<string, ServiceNode>): YAMLMap {
  const out = new YAMLMap();
  out.range = (root.node as YAMLMap).range;
  let done = false;
  for (const e of root.entries()) {
    if (e.key !== 'services') { out.items.push(e.pair); continue; }
    done = true;
    out.items.push(new Pair(e.pair.key, servicesMap(e.value, services)));
  }
  if (!done && services.size) out.items.push(new Pair(new Scalar('services'), servicesMap(undefined, services)));
  return out;
}

function servicesMap(existing: YView | undefined, services: Map<string, ServiceNode>): YAMLMap {
  const out = new YAMLMap();
  if (existing?.node) out.range = (existing.node as YAMLMap).range;
  for (const { key, value } of services.values()) out.items.push(new Pair(key, value));
  return out;
}

/** `env_file:` entries of each service, before its own `environment:` (which wins, as in Compose). */
function addEnvFileEntries(model: ComposeModel, read: ReadText, projectDir: string): void {
  model.services = model.services.map((s) => ({ ...s }));
  for (const s of model.services) {
    const fromFiles: EnvEntry[] = [];
    for (const f of s.envFiles) {
      if (f.dynamic) continue;
      const env = envFileModel(path.resolve(projectDir, f.value), read);
      // The entries keep the env file's own ranges: placed here they would point into the Compose file.
      for (const e of env?.entries ?? []) if (!s.environment.some((x) => x.name === e.name)) fromFiles.push({ ...e, ...OUTSIDE(e) });
    }
    if (fromFiles.length) s.environment = [...fromFiles, ...s.environment];
  }
}

/** Ranges far past any file's end: findings on them are never shown in the Compose file (see place). */
const FAR = 1e9;
function OUTSIDE(e: EnvEntry): Pick<EnvEntry, 'nameRange' | 'valueRange' | 'range'> {
  const far = (r: Range | undefined): Range | undefined => r && { start: { line: FAR + r.start.line, character: r.start.character }, end: { line: FAR + r.end.line, character: r.end.character } };
  return { nameRange: far(e.nameRange)!, valueRange: far(e.valueRange), range: far(e.range)! };
}

