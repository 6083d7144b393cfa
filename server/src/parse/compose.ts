import { isScalar, Scalar } from 'yaml';
import type { EnvEntry, Located } from '../model/common';
import type { ComposeBuild, ComposeCommand, ComposeDependency, ComposeModel, ComposeMount, ComposePort, ComposeService } from '../model/compose';
import { Range, SourceText } from '../model/range';
import { parseImageRef } from '../knowledge/image';
import { isDynamicText, substitute, TEMPLATE_MARK } from '../knowledge/interpolation';
import { parseShell, programOf, ShellCommand, SHELL_PROGRAMS } from '../knowledge/shell';
import { parseYaml, yamlParserInput } from './yaml';
import { YView } from './yaml-view';

/** Values for `${VAR}` interpolation (the project's `.env`); without them only defaults (`${VAR:-x}`) resolve. */
export type ComposeVariables = ReadonlyMap<string, string | undefined>;
const NO_VARIABLES: ComposeVariables = new Map();

export function parseCompose(uri: string, text: string, vars: ComposeVariables = NO_VARIABLES): ComposeModel {
  const { input, lenient, templated } = yamlParserInput(text);
  const source = new SourceText(text);
  const { docs, problems, readAsWritten } = parseYaml(input, source, lenient);
  const model: ComposeModel = { kind: 'compose', uri, source, services: [], namedVolumes: new Map(), templated, problems, readAsWritten };
  const doc = docs.find((d) => d.view.isMap && !d.hasErrors) ?? docs.find((d) => d.view.isMap);
  if (!doc) return model;
  readComposeRoot(model, doc.view, vars);
  return model;
}

/** Fills the model's services and volumes from a document root (the file's own, or a merged project view). */
export function readComposeRoot(model: ComposeModel, root: YView, vars: ComposeVariables = NO_VARIABLES): void {
  model.root = root;
  model.services = [];
  model.namedVolumes = new Map();
  for (const e of root.get('volumes')?.entries() ?? []) model.namedVolumes.set(e.key, e.keyRange);
  for (const e of root.get('services')?.entries() ?? []) {
    if (!e.value.isMap) continue;
    model.services.push(readService(e.key, e.keyRange, e.value, model.source, vars));
  }
}

/**
 * A value with `${VAR}` interpolated as Compose does (variables, then defaults); its range stays the text's.
 * Unresolvable values are returned as written (dynamic).
 */
function interpolated(l: Located | undefined, vars: ComposeVariables): Located | undefined {
  if (!l || !l.dynamic) return l;
  const value = substitute(l.value, vars, true);
  return value === undefined ? l : { value, range: l.range, dynamic: isDynamicText(value) };
}

function readService(name: string, keyRange: Range, v: YView, source: SourceText, vars: ComposeVariables): ComposeService {
  const imageNode = interpolated(v.get('image')?.str(), vars);
  return {
    name, keyRange, range: v.range, raw: v,
    image: imageNode && imageNode.value.trim() ? parseImageRef(imageNode.value, imageNode.range, imageNode.dynamic) : undefined,
    build: readBuild(v.get('build'), source, vars),
    environment: readEnvironment(v.get('environment'), source),
    envFiles: listOfStrings(v.get('env_file'), 'path').map((f) => interpolated(f, vars)!),
    volumes: (v.get('volumes')?.items() ?? []).map((i) => readMount(i, vars)).filter((m): m is ComposeMount => !!m),
    ports: (v.get('ports')?.items() ?? []).map((i) => readPort(i, vars)).filter((p): p is ComposePort => !!p),
    dependsOn: readDependsOn(v.get('depends_on')),
    command: readCommand(v.get('command'), source),
    entrypoint: readCommand(v.get('entrypoint'), source),
    extraHosts: readExtraHosts(v.get('extra_hosts')),
  };
}

function listOfStrings(v: YView | undefined, keyInMap?: string): Located[] {
  if (!v) return [];
  const one = v.str();
  if (one) return [one];
  return v.items().map((i) => i.str() ?? (keyInMap ? i.get(keyInMap)?.str() : undefined)).filter((x): x is Located => !!x);
}

/** Offset where a scalar's characters start (after an opening quote). */
function scalarContentStart(v: YView): number {
  const node = v.node as Scalar | null;
  const start = node?.range?.[0] ?? 0;
  return node && isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? start + 1 : start;
}

/** `environment:` / `build.args:` as a map (`KEY: value`) or a list (`- KEY=value`, `- KEY`). */
export function readEnvironment(v: YView | undefined, source: SourceText): EnvEntry[] {
  if (!v) return [];
  if (v.isMap) {
    return v.entries().map((e) => {
      const s = e.value.str();
      return { name: e.key, nameRange: e.keyRange, value: s?.value, valueRange: s ? s.range : undefined, range: e.range, dynamic: s ? s.dynamic : false };
    });
  }
  const out: EnvEntry[] = [];
  for (const item of v.items()) {
    const s = item.str();
    if (!s) continue;
    const start = scalarContentStart(item);
    const eq = s.value.indexOf('=');
    const name = (eq < 0 ? s.value : s.value.slice(0, eq)).trim();
    const nameRange = source.range(start, start + (eq < 0 ? s.value.length : eq));
    if (eq < 0) { out.push({ name, nameRange, range: s.range, dynamic: false }); continue; }
    const value = s.value.slice(eq + 1);
    out.push({ name, nameRange, value, valueRange: source.range(start + eq + 1, start + s.value.length), range: s.range, dynamic: isDynamicText(value) });
  }
  return out;
}

function readBuild(v: YView | undefined, source: SourceText, vars: ComposeVariables): ComposeBuild | undefined {
  if (!v) return undefined;
  const ctx = interpolated(v.str(), vars);
  if (ctx) return { range: v.range, context: ctx, args: [] };
  if (!v.isMap) return undefined;
  return {
    range: v.range,
    context: interpolated(v.get('context')?.str(), vars),
    dockerfile: interpolated(v.get('dockerfile')?.str(), vars),
    inline: v.get('dockerfile_inline')?.str(),
    args: readEnvironment(v.get('args'), source),
  };
}

const BIND_SOURCE = /^(?:[./~]|\$|[A-Za-z]:[\\/]|\\\\)/;

function readMount(item: YView, vars: ComposeVariables): ComposeMount | undefined {
  const s = item.str();
  if (s) {
    const start = item.range.start;
    // short syntax: [SOURCE:]TARGET[:MODE]; Windows drive letters contain a colon too.
    const parts = splitVolumeSpec(s.value);
    const contentStart = scalarContentStart(item);
    const at = (from: number, to: number): Range => ({
      start: { line: start.line, character: start.character + (contentStart - (item.node?.range?.[0] ?? 0)) + from },
      end: { line: start.line, character: start.character + (contentStart - (item.node?.range?.[0] ?? 0)) + to },
    });
    // Each part is interpolated on its own, so its range stays on the text written for it.
    const part = (p: { text: string; from: number; to: number }) => interpolated({ value: p.text, range: at(p.from, p.to), dynamic: isDynamicText(p.text) }, vars)!;
    if (parts.length === 1) {
      return { range: s.range, type: 'volume', target: part(parts[0]), readOnly: false, anonymous: true };
    }
    const [src, tgt, mode] = parts;
    const source = part(src);
    const type = BIND_SOURCE.test(source.value) ? 'bind' : 'volume';
    const modeText = mode ? part(mode).value : '';
    return {
      range: s.range, type, anonymous: false,
      source, target: part(tgt),
      readOnly: /(^|,)ro(,|$)/.test(modeText),
    };
  }
  if (!item.isMap) return undefined;
  const type = (interpolated(item.get('type')?.str(), vars)?.value ?? 'volume') as ComposeMount['type'];
  const source = interpolated(item.get('source')?.str(), vars);
  return {
    range: item.range,
    type: ['volume', 'bind', 'tmpfs', 'npipe', 'cluster', 'image'].includes(type) ? type : 'unknown',
    source, target: interpolated(item.get('target')?.str(), vars),
    readOnly: item.get('read_only')?.bool()?.value === true,
    anonymous: type === 'volume' && !source,
  };
}

function splitVolumeSpec(spec: string): { text: string; from: number; to: number }[] {
  const parts: { text: string; from: number; to: number }[] = [];
  let from = 0;
  for (let i = 0; i <= spec.length; i++) {
    // `${VAR:-/default/path}` holds a colon that does not separate parts.
    if (spec[i] === '$' && spec[i + 1] === '{') { const close = spec.indexOf('}', i); if (close > 0) { i = close; continue; } }
    const isDrive = spec[i] === ':' && i - from === 1 && /[A-Za-z]/.test(spec[from]) && /[\\/]/.test(spec[i + 1] ?? '');
    if (i === spec.length || (spec[i] === ':' && !isDrive)) { parts.push({ text: spec.slice(from, i), from, to: i }); from = i + 1; }
  }
  return parts;
}

function readPort(item: YView, vars: ComposeVariables): ComposePort | undefined {
  const s = interpolated(item.str(), vars);
  if (s) {
    const [spec, protocol] = s.value.split('/');
    // [HOST_IP:][PUBLISHED:]TARGET — IPv6 host IPs are bracketed
    const m = /^(?:(\[[^\]]*\]|[^:]*):)?(?:([^:]*):)?([^:]+)$/.exec(spec);
    if (!m) return { range: s.range, dynamic: s.dynamic };
    let [, a, b, target] = m;
    let hostIp: string | undefined, published: string | undefined;
    if (b !== undefined) { hostIp = a; published = b; } else published = a;
    return { range: s.range, hostIp: hostIp || undefined, published: published || undefined, target, protocol, dynamic: s.dynamic };
  }
  if (!item.isMap) return undefined;
  return {
    range: item.range,
    hostIp: interpolated(item.get('host_ip')?.str(), vars)?.value,
    published: interpolated(item.get('published')?.str(), vars)?.value,
    target: interpolated(item.get('target')?.str(), vars)?.value,
    protocol: item.get('protocol')?.str()?.value,
    dynamic: false,
  };
}

function readDependsOn(v: YView | undefined): ComposeDependency[] {
  if (!v) return [];
  if (v.isMap) return v.entries().map((e) => ({ name: e.key, range: e.keyRange, condition: e.value.get('condition')?.str() }));
  return v.items().map((i) => i.str()).filter((s): s is Located => !!s).map((s) => ({ name: s.value, range: s.range }));
}

function readExtraHosts(v: YView | undefined): Located[] {
  if (!v) return [];
  if (v.isMap) return v.entries().map((e) => { const s = e.value.str(); return { value: `${e.key}:${s?.value ?? ''}`, range: e.range, dynamic: false }; });
  return listOfStrings(v);
}


function readCommand(v: YView | undefined, source: SourceText): ComposeCommand | undefined {
  if (!v || v.isNull) return undefined;
  const s = v.str();
  if (s) {
    return { range: v.range, stringForm: true, words: [s], commands: exactOrRelocated(v, source) };
  }
  const itemViews = v.items().filter((i) => i.str());
  const words = itemViews.map((i) => i.str() as Located);
  if (!words.length) return undefined;
  const shellWords = words.map((w) => {
    const st = source.offsetAt(w.range.start);
    return { text: w.value, start: st, end: source.offsetAt(w.range.end), quoted: true };
  });
  const cmd: ShellCommand = { words: shellWords, redirects: [], start: shellWords[0].start, end: shellWords[shellWords.length - 1].end, piped: false };
  const p = programOf(cmd);
  let commands: ShellCommand[] = [cmd];
  if (p && SHELL_PROGRAMS.has(p.name) && shellWords[p.index + 1]?.text === '-c' && words[p.index + 2]) {
    commands = exactOrRelocated(itemViews[p.index + 2], source);
  }
  return { range: v.range, stringForm: false, words, commands };
}

/** Shell commands of a scalar, with exact offsets when the scalar's text is its value (no escapes or folding). */
function exactOrRelocated(v: YView, source: SourceText): ShellCommand[] {
  const value = v.str()?.value ?? '';
  const start = scalarContentStart(v);
  let commands: ShellCommand[];
  if (source.text.slice(start, start + value.length) === value) commands = parseShell(value, start);
  else {
    commands = parseShell(value, 0);
    for (const c of commands) relocate(c, v.range, source);
  }
  return commands.flatMap((c) => expandShellScript(c, source));
}

/** `sh -c "script"` runs the script: return its commands (offsets inside the quotes when they are exact). */
function expandShellScript(c: ShellCommand, source: SourceText): ShellCommand[] {
  const p = programOf(c);
  const script = p && SHELL_PROGRAMS.has(p.name) && c.words[p.index + 1]?.text === '-c' ? c.words[p.index + 2] : undefined;
  if (!script) return [c];
  const inner = script.quoted ? script.start + 1 : script.start;
  const raw = source.text.slice(inner, inner + script.text.length);
  if (raw === script.text) return parseShell(script.text, inner);
  return parseShell(script.text, 0).map((x) => ({ ...x, start: script.start, end: script.end, words: x.words.map((w) => ({ ...w, start: script.start, end: script.end })) }));
}

/** Block scalars and list items lose exact offsets after unfolding; point their commands at the whole value. */
function relocate(c: ShellCommand, r: Range, source: SourceText): void {
  const s = source.offsetAt(r.start), e = source.offsetAt(r.end);
  c.start = s; c.end = e;
  for (const w of c.words) { w.start = s; w.end = e; }
  for (const x of c.redirects) { x.start = s; if (x.target) { x.target.start = s; x.target.end = e; } }
}

export function looksLikeCompose(text: string): boolean {
  return /^services\s*:/m.test(text) && !text.includes(TEMPLATE_MARK);
}
