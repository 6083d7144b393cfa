/**
 * Partial evaluation of a Helm chart template against the chart's default values. What the defaults
 * decide is rendered (values, `default`, `quote`, `toYaml | nindent`, `if`/`with`/`range`, `include` of
 * named templates, …); what they do not (unknown functions, `.Capabilities`, `lookup`, …) is masked with
 * TEMPLATE_MARK as the plain reader masks it, and a condition they do not decide keeps every branch, as
 * before. The result maps every rendered character back to the template text, or to the values.yaml
 * value it came from. Total: any failure, or a template larger than the bounds, returns undefined.
 */
import { TEMPLATE_MARK } from '../../knowledge/interpolation';
import { parseTemplate, Pipeline, TemplateSyntaxError, TNode, Expr } from './syntax';
import { HV, hv, MISSING, Piece, piecesOf, scalarText, Src, truth, UNKNOWN, Val } from './values';
import { callFunction } from './functions';

/**
 * A stretch [start, end) of the rendered text: template text copied from `at` ('t'), or the output of
 * the action at [at, atEnd): a values.yaml value ('v', with `src`), another evaluated text ('e'), or a
 * masked action ('m').
 */
export interface Segment { start: number; end: number; kind: 't' | 'v' | 'e' | 'm'; at: number; atEnd: number; src?: Src }

export interface Rendered { text: string; segments: Segment[] }

export interface ChartInfo { name: string; version: string; appVersion?: string }

/** Named templates of a chart: each with the text it was parsed from. */
export type Defines = Map<string, { nodes: TNode[]; text: string }>;

export interface RenderInput { values: Val; chart: ChartInfo; defines: Defines; templatePath: string }

class Abort extends Error {}

const MAX_STEPS = 300_000;
const MAX_OUTPUT = 4_000_000;
const MAX_INCLUDE_DEPTH = 40;

/** Named templates defined in a helper file (`_helpers.tpl`); empty when it does not parse. */
export function definesOf(text: string): Map<string, TNode[]> {
  try { return parseTemplate(text).defines; } catch { return new Map(); }
}

export function renderTemplate(text: string, input: RenderInput): Rendered | undefined {
  if (!text.includes('{{')) return undefined;
  try {
    const parsed = parseTemplate(text);
    const defines: Defines = new Map(input.defines);
    for (const [k, nodes] of parsed.defines) defines.set(k, { nodes, text });
    const ev = new Evaluator(defines);
    const root = rootContext(input);
    const sink = new MainSink(text);
    ev.exec(parsed.nodes, root, new Scope(root), sink, text);
    return sink.finish();
  } catch (e) {
    if (e instanceof Abort || e instanceof TemplateSyntaxError || e instanceof RangeError || e instanceof TypeError) return undefined;
    return undefined;
  }
}

function rootContext(input: RenderInput): HV {
  const m = new Map<string, Val>();
  m.set('Values', input.values);
  const chart = new Map<string, Val>([['Name', hv(input.chart.name)], ['Version', hv(input.chart.version)]]);
  if (input.chart.appVersion !== undefined) chart.set('AppVersion', hv(input.chart.appVersion));
  m.set('Chart', hv(chart));
  // `helm template` without a release name renders with these.
  m.set('Release', hv(new Map<string, Val>([['Name', hv('release-name')], ['Namespace', hv('default')], ['Service', hv('Helm')], ['IsInstall', hv(true)], ['IsUpgrade', hv(false)], ['Revision', hv(1)]])));
  m.set('Template', hv(new Map<string, Val>([['Name', hv(input.templatePath)], ['BasePath', hv(input.templatePath.replace(/\/[^/]*$/, ''))]])));
  m.set('Capabilities', UNKNOWN);
  m.set('Files', UNKNOWN);
  return hv(m);
}

class Scope {
  private readonly vars = new Map<string, Val>();
  constructor(root: Val, private readonly parent?: Scope) { if (!parent) this.vars.set('$', root); }
  get(name: string): Val { for (let s: Scope | undefined = this; s; s = s.parent) if (s.vars.has(name)) return s.vars.get(name)!; return UNKNOWN; }
  declare(name: string, v: Val): void { this.vars.set(name, v); }
  assign(name: string, v: Val): void { for (let s: Scope | undefined = this; s; s = s.parent) if (s.vars.has(name)) { s.vars.set(name, v); return; } this.vars.set(name, v); }
  child(): Scope { return new Scope(UNKNOWN, this); }
}

interface Sink {
  text(start: number, end: number, fileText: string): void;
  value(pieces: Piece[], at: number, atEnd: number): void;
  unknown(at: number, atEnd: number): void;
  /** Whether a condition the defaults do not decide keeps every branch (the main template) or gives up (a named template's output). */
  readonly keepsUndecided: boolean;
}

/** The template's own output, with its map back to the template and values. */
class MainSink implements Sink {
  readonly keepsUndecided = true;
  private readonly parts: string[] = [];
  private readonly segments: Segment[] = [];
  private length = 0;
  constructor(private readonly template: string) {}
  private push(text: string, seg: Omit<Segment, 'start' | 'end'>): void {
    if (!text) return;
    this.parts.push(text);
    this.segments.push({ ...seg, start: this.length, end: this.length + text.length });
    this.length += text.length;
    if (this.length > MAX_OUTPUT) throw new Abort();
  }
  text(start: number, end: number, fileText: string): void {
    if (fileText === this.template) this.push(fileText.slice(start, end), { kind: 't', at: start, atEnd: end });
  }
  value(pieces: Piece[], at: number, atEnd: number): void {
    for (const p of pieces) this.push(p.text, p.src ? { kind: 'v', at, atEnd, src: p.src } : { kind: 'e', at, atEnd });
  }
  unknown(at: number, atEnd: number): void {
    // An action alone on its line (`{{- include "x.labels" . | nindent 4 }}`) stands for whole lines:
    // it leaves nothing, as the plain reader blanks it; one inside a value makes the value dynamic.
    if (this.aloneOnLine(at, atEnd)) return;
    this.push(TEMPLATE_MARK, { kind: 'm', at, atEnd });
  }
  private aloneOnLine(at: number, atEnd: number): boolean {
    const t = this.template;
    const start = t.lastIndexOf('\n', at - 1) + 1;
    let end = t.indexOf('\n', atEnd);
    if (end < 0) end = t.length;
    let rest = '';
    for (let i = start; i < end;) {
      const open = t.indexOf('{{', i);
      if (open < 0 || open >= end) { rest += t.slice(i, end); break; }
      rest += t.slice(i, open);
      const close = t.indexOf('}}', open + 2);
      if (close < 0) break;
      i = close + 2;
    }
    return rest.trim() === '';
  }
  finish(): Rendered {
    return { text: this.parts.join(''), segments: this.segments };
  }
}

/** A named template's output as a string (`include`); any undecided part makes the whole unknown. */
class StringSink implements Sink {
  readonly keepsUndecided = false;
  pieces: Piece[] = [];
  unknownSeen = false;
  text(start: number, end: number, fileText: string): void { this.pieces.push({ text: fileText.slice(start, end) }); }
  value(pieces: Piece[]): void { this.pieces.push(...pieces); }
  unknown(): void { this.unknownSeen = true; throw new Undecided(); }
}

/** Thrown inside a named template as soon as its output cannot be decided. */
class Undecided extends Error {}

class Evaluator {
  private steps = 0;
  private depth = 0;
  constructor(private readonly defines: Defines) {}

  private step(): void { if (++this.steps > MAX_STEPS) throw new Abort(); }

  exec(nodes: TNode[], dot: Val, scope: Scope, sink: Sink, text: string): void {
    for (const n of nodes) {
      this.step();
      switch (n.t) {
        case 'text': sink.text(n.start, n.end, text); break;
        case 'action': {
          const v = this.pipeline(n.pipe, dot, scope);
          if (n.pipe.decl) break;
          const pieces = v === UNKNOWN ? undefined : piecesOf(v);
          if (pieces) sink.value(pieces, n.start, n.end); else sink.unknown(n.start, n.end);
          break;
        }
        case 'template': {
          const arg = n.arg ? this.pipeline(n.arg, dot, scope) : hv(null);
          const out = this.include(n.name, arg);
          if (out === UNKNOWN) sink.unknown(n.start, n.end); else sink.value(piecesOf(out) ?? [], n.start, n.end);
          break;
        }
        case 'if': {
          const inner = scope.child();
          let decided = false;
          for (const b of n.branches) {
            const t = truth(this.pipeline(b.cond, dot, inner));
            if (t === undefined) {
              if (!sink.keepsUndecided) sink.unknown(n.start, n.end);
              this.exec(b.body, dot, inner.child(), sink, text);
              continue;
            }
            if (t) { this.exec(b.body, dot, inner.child(), sink, text); decided = true; break; }
          }
          if (!decided && n.otherwise) this.exec(n.otherwise, dot, inner.child(), sink, text);
          break;
        }
        case 'with': {
          const inner = scope.child();
          const v = this.pipeline(n.pipe, dot, inner);
          const t = truth(v);
          if (t === undefined && !sink.keepsUndecided) sink.unknown(n.start, n.end);
          if (t !== false) this.exec(n.body, v, inner.child(), sink, text);
          if (t !== true && n.otherwise) this.exec(n.otherwise, dot, inner.child(), sink, text);
          break;
        }
        case 'range': this.range(n, dot, scope, sink, text); break;
      }
    }
  }

  private range(n: Extract<TNode, { t: 'range' }>, dot: Val, scope: Scope, sink: Sink, text: string): void {
    const inner = scope.child();
    const v = this.expr(n.pipe.expr, dot, inner);
    const names = n.pipe.decl?.names ?? [];
    const bind = (s: Scope, k: Val, item: Val) => {
      if (names.length === 1) s.declare(names[0], item);
      else if (names.length >= 2) { s.declare(names[0], k); s.declare(names[1], item); }
    };
    if (v === UNKNOWN) {
      if (!sink.keepsUndecided) sink.unknown(n.start, n.end);
      const s = inner.child(); bind(s, UNKNOWN, UNKNOWN);
      this.exec(n.body, UNKNOWN, s, sink, text);
      if (n.otherwise) this.exec(n.otherwise, dot, inner.child(), sink, text);
      return;
    }
    let items: [Val, Val][] = [];
    if (v.isList) items = (v.v as Val[]).map((x, i) => [hv(i), x]);
    else if (v.isMap) items = [...(v.v as Map<string, Val>).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [hv(k), x]);
    else if (typeof v.v === 'number') items = Array.from({ length: Math.max(0, Math.min(v.v, 1000)) }, (_, i) => [hv(i), hv(i)]);
    else if (v.v !== null) throw new Abort();
    if (!items.length) { if (n.otherwise) this.exec(n.otherwise, dot, inner.child(), sink, text); return; }
    for (const [k, item] of items) {
      const s = inner.child();
      bind(s, k, item);
      this.exec(n.body, item, s, sink, text);
    }
  }

  include(name: string, arg: Val): Val {
    const def = this.defines.get(name);
    if (!def || this.depth >= MAX_INCLUDE_DEPTH) return UNKNOWN;
    const sink = new StringSink();
    this.depth++;
    try {
      this.exec(def.nodes, arg, new Scope(arg), sink, def.text);
    } catch (e) {
      if (e instanceof Undecided) return UNKNOWN;
      throw e;
    } finally { this.depth--; }
    const text = sink.pieces.map((p) => p.text).join('');
    return sink.pieces.some((p) => p.src) ? new HV(text, undefined, undefined, sink.pieces) : hv(text);
  }

  pipeline(p: Pipeline, dot: Val, scope: Scope): Val {
    const v = this.expr(p.expr, dot, scope);
    if (p.decl) {
      // `$i, $v := …` outside range is a syntax Helm rejects; one name is the usual form.
      for (const name of p.decl.names) if (p.decl.assign) scope.assign(name, v); else scope.declare(name, v);
    }
    return v;
  }

  expr(e: Expr, dot: Val, scope: Scope, piped?: Val): Val {
    this.step();
    switch (e.t) {
      case 'lit': return hv(e.value);
      case 'field': return fieldPath(e.base ? this.expr(e.base, dot, scope) : dot, e.path);
      case 'var': return fieldPath(scope.get(e.name), e.path);
      case 'sub': return fieldPath(this.expr(e.expr, dot, scope), e.path);
      case 'pipe': {
        let v: Val | undefined;
        for (const c of e.cmds) v = this.expr(c, dot, scope, v);
        return v ?? UNKNOWN;
      }
      case 'call': {
        const args = e.args.map((a) => this.expr(a, dot, scope));
        if (piped !== undefined) args.push(piped);
        if (e.fn === 'include' || e.fn === 'template') {
          const name = args[0];
          if (name === UNKNOWN || typeof name.v !== 'string') return UNKNOWN;
          return this.include(name.v, args[1] ?? hv(null));
        }
        return callFunction(e.fn, args);
      }
    }
    return UNKNOWN;
  }
}

function fieldPath(v: Val, path: string[]): Val {
  let cur = v;
  for (const k of path) {
    if (cur === UNKNOWN) return UNKNOWN;
    if (cur.v === null) return MISSING;
    if (!(cur.v instanceof Map)) return UNKNOWN;
    const next = cur.v.get(k);
    // Only values.yaml's maps (they have a position) say a key is absent; the context and `dict`s may
    // have been extended by functions that are not run (`set`).
    cur = next !== undefined ? next : cur.src ? MISSING : UNKNOWN;
  }
  return cur;
}

export { scalarText };
export type { Pipeline };
