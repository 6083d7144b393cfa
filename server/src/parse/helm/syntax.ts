/**
 * The Go template language as Helm charts use it, read into a small tree with source offsets: text,
 * actions (`{{ pipeline }}`), `if`/`else if`/`else`, `with`, `range`, `define`, `template`/`block`.
 * Trim markers (`{{-`, `-}}`) are applied here, as Go's lexer applies them. Anything this reader does
 * not understand throws TemplateSyntaxError; the caller then falls back to masking the template.
 */

export class TemplateSyntaxError extends Error {}

export type Expr =
  | { t: 'field'; base: Expr | undefined; path: string[] } // base undefined: the dot
  | { t: 'var'; name: string; path: string[] }
  | { t: 'lit'; value: string | number | boolean | null }
  | { t: 'call'; fn: string; args: Expr[] }
  | { t: 'pipe'; cmds: Expr[] } // each command after the first gets the previous value as last argument
  | { t: 'sub'; expr: Expr; path: string[] }; // (pipeline).Field

export interface Pipeline { decl?: { names: string[]; assign: boolean }; expr: Expr }

export type TNode =
  | { t: 'text'; start: number; end: number }
  | { t: 'action'; start: number; end: number; pipe: Pipeline }
  | { t: 'if'; start: number; end: number; branches: { cond: Pipeline; body: TNode[] }[]; otherwise?: TNode[] }
  | { t: 'with'; start: number; end: number; pipe: Pipeline; body: TNode[]; otherwise?: TNode[] }
  | { t: 'range'; start: number; end: number; pipe: Pipeline; body: TNode[]; otherwise?: TNode[] }
  | { t: 'template'; start: number; end: number; name: string; arg?: Pipeline };

export interface ParsedTemplate { nodes: TNode[]; defines: Map<string, TNode[]> }

const MAX_ACTIONS = 20_000;

interface RawAction { start: number; end: number; body: string; bodyStart: number }

/** Splits the text into text runs and actions, applying trim markers. */
function lex(text: string): ({ t: 'text'; start: number; end: number } | ({ t: 'act' } & RawAction))[] {
  const out: ({ t: 'text'; start: number; end: number } | ({ t: 'act' } & RawAction))[] = [];
  let pos = 0;
  let trimNext = false;
  for (let count = 0; ; count++) {
    if (count > MAX_ACTIONS) throw new TemplateSyntaxError('too many actions');
    const open = text.indexOf('{{', pos);
    let textEnd = open < 0 ? text.length : open;
    let textStart = pos;
    const trimLeft = open >= 0 && text[open + 2] === '-' && /\s/.test(text[open + 3] ?? '');
    if (trimNext) while (textStart < textEnd && /\s/.test(text[textStart])) textStart++;
    if (trimLeft) while (textEnd > textStart && /\s/.test(text[textEnd - 1])) textEnd--;
    if (textEnd > textStart) out.push({ t: 'text', start: textStart, end: textEnd });
    if (open < 0) return out;
    const bodyStart = open + (trimLeft ? 3 : 2);
    const close = findClose(text, bodyStart);
    if (close < 0) throw new TemplateSyntaxError('unclosed action');
    const trimRight = text[close - 1] === '-' && /\s/.test(text[close - 2] ?? '');
    const bodyEnd = trimRight ? close - 1 : close;
    out.push({ t: 'act', start: open, end: close + 2, body: text.slice(bodyStart, bodyEnd), bodyStart });
    trimNext = trimRight;
    pos = close + 2;
  }
}

/** The `}}` that closes an action, skipping quoted strings and comments inside it. */
function findClose(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') { i++; while (i < text.length && text[i] !== '"') { if (text[i] === '\\') i++; if (text[i] === '\n') return -1; i++; } continue; }
    if (c === '`') { const e = text.indexOf('`', i + 1); if (e < 0) return -1; i = e; continue; }
    if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); if (e < 0) return -1; i = e + 1; continue; }
    if (c === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}

type Tok = { k: 'id' | 'field' | 'var' | 'str' | 'num' | 'op'; v: string };

function tokenize(body: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '/' && body[i + 1] === '*') { const e = body.indexOf('*/', i + 2); if (e < 0) throw new TemplateSyntaxError('comment'); i = e + 2; continue; }
    if (c === '"') {
      let j = i + 1, s = '';
      while (j < body.length && body[j] !== '"') {
        if (body[j] === '\\') { const n = body[j + 1]; s += n === 'n' ? '\n' : n === 't' ? '\t' : n; j += 2; } else s += body[j++];
      }
      if (j >= body.length) throw new TemplateSyntaxError('string');
      toks.push({ k: 'str', v: s }); i = j + 1; continue;
    }
    if (c === '`') { const e = body.indexOf('`', i + 1); if (e < 0) throw new TemplateSyntaxError('raw string'); toks.push({ k: 'str', v: body.slice(i + 1, e) }); i = e + 1; continue; }
    if (c === "'") { const m = /^'(\\?.)'/.exec(body.slice(i)); if (!m) throw new TemplateSyntaxError('char'); toks.push({ k: 'num', v: String(m[1].slice(-1).charCodeAt(0)) }); i += m[0].length; continue; }
    if (c === ':' && body[i + 1] === '=') { toks.push({ k: 'op', v: ':=' }); i += 2; continue; }
    if ('()|,='.includes(c)) { toks.push({ k: 'op', v: c }); i++; continue; }
    const m = /^(?:\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*|(?:\.[A-Za-z0-9_]+)+|\.|-?\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|[A-Za-z_][A-Za-z0-9_]*)/.exec(body.slice(i));
    if (!m) throw new TemplateSyntaxError(`unexpected "${c}"`);
    const w = m[0];
    if (w.startsWith('$')) toks.push({ k: 'var', v: w });
    else if (w.startsWith('.')) toks.push({ k: 'field', v: w });
    else if (/^[-\d]/.test(w)) toks.push({ k: 'num', v: w });
    else toks.push({ k: 'id', v: w });
    i += w.length;
  }
  return toks;
}

const splitPath = (w: string) => w.split('.').filter((p) => p !== '');

class ExprParser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  get done(): boolean { return this.i >= this.toks.length; }
  peek(): Tok | undefined { return this.toks[this.i]; }
  next(): Tok { const t = this.toks[this.i++]; if (!t) throw new TemplateSyntaxError('unexpected end'); return t; }

  pipeline(): Pipeline {
    let decl: Pipeline['decl'];
    // `$x := …`, `$i, $v := …`, `$x = …`
    const save = this.i;
    const names: string[] = [];
    while (this.peek()?.k === 'var') {
      names.push(this.next().v);
      const t = this.peek();
      if (t?.k === 'op' && t.v === ',') { this.i++; continue; }
      if (t?.k === 'op' && (t.v === ':=' || t.v === '=')) { this.i++; decl = { names, assign: t.v === '=' }; }
      break;
    }
    if (!decl) this.i = save;
    return { decl, expr: this.pipe() };
  }

  private pipe(): Expr {
    const cmds: Expr[] = [this.command()];
    while (this.peek()?.k === 'op' && this.peek()!.v === '|') { this.i++; cmds.push(this.command()); }
    return cmds.length === 1 ? cmds[0] : { t: 'pipe', cmds };
  }

  private command(): Expr {
    const items: Expr[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || (t.k === 'op' && (t.v === '|' || t.v === ')'))) break;
      items.push(this.operand());
    }
    if (!items.length) throw new TemplateSyntaxError('empty command');
    const head = items[0];
    if (head.t === 'call' && head.args.length === 0) return { t: 'call', fn: head.fn, args: items.slice(1) };
    // A method call (`.Files.Get "x"`): never decided by the defaults.
    if (items.length > 1) return { t: 'call', fn: '', args: [] };
    return head;
  }

  private operand(): Expr {
    const t = this.next();
    let e: Expr;
    if (t.k === 'str') e = { t: 'lit', value: t.v };
    else if (t.k === 'num') e = { t: 'lit', value: Number(t.v.replace(/_/g, '')) };
    else if (t.k === 'field') e = { t: 'field', base: undefined, path: splitPath(t.v) };
    else if (t.k === 'var') { const [name, ...path] = t.v.split('.'); e = { t: 'var', name, path }; }
    else if (t.k === 'id') {
      if (t.v === 'true' || t.v === 'false') e = { t: 'lit', value: t.v === 'true' };
      else if (t.v === 'nil') e = { t: 'lit', value: null };
      else e = { t: 'call', fn: t.v, args: [] };
    } else if (t.v === '(') {
      const inner = this.pipe();
      const close = this.next();
      if (close.v !== ')') throw new TemplateSyntaxError('missing )');
      e = inner;
      const f = this.peek();
      // `(pipeline).Field` — written without a space after the parenthesis.
      if (f?.k === 'field' && f.v !== '.') { this.i++; e = { t: 'sub', expr: inner, path: splitPath(f.v) }; }
    } else throw new TemplateSyntaxError(`unexpected "${t.v}"`);
    return e;
  }
}

function parsePipeline(body: string): Pipeline {
  const p = new ExprParser(tokenize(body));
  const pipe = p.pipeline();
  if (!p.done) throw new TemplateSyntaxError('trailing tokens');
  return pipe;
}

const KEYWORD = /^\s*(if|else|end|range|with|define|template|block|break|continue)\b([\s\S]*)$/;

/** Parses a template file; defines are collected (also those nested in other blocks). */
export function parseTemplate(text: string): ParsedTemplate {
  const items = lex(text);
  const defines = new Map<string, TNode[]>();
  let i = 0;
  // Reads nodes until an `else` or `end` at this level; returns the node list and what stopped it.
  const block = (depth: number): { nodes: TNode[]; stop?: { word: 'else' | 'end'; rest: string; end: number } } => {
    if (depth > 100) throw new TemplateSyntaxError('nesting too deep');
    const nodes: TNode[] = [];
    while (i < items.length) {
      const it = items[i++];
      if (it.t === 'text') { nodes.push(it); continue; }
      const body = it.body.trim();
      if (body.startsWith('/*') && body.endsWith('*/')) continue;
      const kw = KEYWORD.exec(it.body);
      if (!kw) { nodes.push({ t: 'action', start: it.start, end: it.end, pipe: parsePipeline(it.body) }); continue; }
      const word = kw[1], rest = kw[2];
      if (word === 'else' || word === 'end') return { nodes, stop: { word, rest, end: it.end } };
      if (word === 'break' || word === 'continue') throw new TemplateSyntaxError('break/continue');
      if (word === 'if') {
        const branches: { cond: Pipeline; body: TNode[] }[] = [];
        let cond = parsePipeline(rest);
        let otherwise: TNode[] | undefined;
        for (;;) {
          const b = block(depth + 1);
          if (!b.stop) throw new TemplateSyntaxError('if without end');
          branches.push({ cond, body: b.nodes });
          if (b.stop.word === 'end') { nodes.push({ t: 'if', start: it.start, end: b.stop.end, branches, otherwise }); break; }
          const elseIf = /^\s*if\b([\s\S]*)$/.exec(b.stop.rest);
          if (elseIf) { cond = parsePipeline(elseIf[1]); continue; }
          const e = block(depth + 1);
          if (e.stop?.word !== 'end') throw new TemplateSyntaxError('else without end');
          otherwise = e.nodes;
          nodes.push({ t: 'if', start: it.start, end: e.stop.end, branches, otherwise });
          break;
        }
        continue;
      }
      if (word === 'with' || word === 'range') {
        const pipe = parsePipeline(rest);
        const b = block(depth + 1);
        if (!b.stop) throw new TemplateSyntaxError(`${word} without end`);
        let otherwise: TNode[] | undefined;
        let end = b.stop.end;
        if (b.stop.word === 'else') {
          // `else with` (Go 1.23) is rare in charts: not read.
          if (b.stop.rest.trim()) throw new TemplateSyntaxError('else with');
          const e = block(depth + 1);
          if (e.stop?.word !== 'end') throw new TemplateSyntaxError('else without end');
          otherwise = e.nodes; end = e.stop.end;
        }
        nodes.push({ t: word, start: it.start, end, pipe, body: b.nodes, otherwise });
        continue;
      }
      const nameAndArg = /^\s*("(?:[^"\\]|\\.)*"|`[^`]*`)([\s\S]*)$/.exec(rest);
      if (!nameAndArg) throw new TemplateSyntaxError(`${word} without a name`);
      const name = nameAndArg[1].slice(1, -1);
      const arg = nameAndArg[2].trim() ? parsePipeline(nameAndArg[2]) : undefined;
      if (word === 'define' || word === 'block') {
        const b = block(depth + 1);
        if (b.stop?.word !== 'end') throw new TemplateSyntaxError(`${word} without end`);
        defines.set(name, b.nodes);
        if (word === 'block') nodes.push({ t: 'template', start: it.start, end: b.stop.end, name, arg });
        continue;
      }
      nodes.push({ t: 'template', start: it.start, end: it.end, name, arg });
    }
    return { nodes };
  };
  const top = block(0);
  if (top.stop) throw new TemplateSyntaxError(`unexpected ${top.stop.word}`);
  return { nodes: top.nodes, defines };
}
