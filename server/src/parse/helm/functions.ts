/**
 * The template functions the evaluator runs (Go's builtins and the Sprig/Helm functions charts use for
 * values). Every other function, and any function given an undecided argument, is UNKNOWN: masked,
 * never guessed. Identity-like functions keep the values.yaml position of their argument.
 */
import { HV, hv, Piece, piecesOf, scalarText, toYamlPieces, truth, UNKNOWN, Val } from './values';

type Fn = (args: HV[]) => Val;

const str = (v: HV): string | undefined => (v.isScalar ? scalarText(v) : undefined);
const num = (v: HV): number | undefined => {
  const x = v.v;
  if (v.missing) return undefined;
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '' && !isNaN(Number(x))) return Number(x);
  if (x === null) return 0;
  return undefined;
};
const sameSource = (v: HV, text: string): HV => new HV(text, v.pieces ? undefined : v.src);
const empty = (v: HV) => truth(v) === false;

function plain(v: HV, depth = 0): unknown {
  if (depth > 64) throw new RangeError('deep');
  if (v.v instanceof Map) { const o: Record<string, unknown> = {}; for (const [k, x] of v.v) { if (x === UNKNOWN) throw new RangeError('unknown'); o[k] = plain(x, depth + 1); } return o; }
  if (Array.isArray(v.v)) return v.v.map((x) => { if (x === UNKNOWN) throw new RangeError('unknown'); return plain(x, depth + 1); });
  return v.v;
}

function equal(a: HV, b: HV): boolean | undefined {
  if (!a.isScalar || !b.isScalar || a.missing || b.missing) return undefined;
  const x = a.v, y = b.v;
  if (typeof x === 'number' && typeof y === 'number') return x === y;
  return scalarText(a) === scalarText(b) && typeof x === typeof y;
}

/** Adds `pad` after every line break of a piece list (and before it, for indent). */
function indentPieces(pieces: Piece[], pad: string, lead: string): Piece[] {
  const out: Piece[] = [{ text: lead + pad }];
  for (const p of pieces) out.push(p.text.includes('\n') ? { text: p.text.replace(/\n/g, '\n' + pad), src: p.src } : p);
  return out;
}

/** Trims the text a piece list spells, keeping each piece's position. */
function trimPieces(pieces: Piece[]): Piece[] {
  const out = pieces.map((p) => ({ ...p }));
  while (out.length && !out[0].text.trimStart()) out.shift();
  while (out.length && !out[out.length - 1].text.trimEnd()) out.pop();
  if (out.length) { out[0].text = out[0].text.trimStart(); out[out.length - 1].text = out[out.length - 1].text.trimEnd(); }
  return out;
}

function joined(pieces: Piece[]): HV {
  const text = pieces.map((p) => p.text).join('');
  const sourced = pieces.filter((p) => p.src);
  if (!sourced.length) return hv(text);
  return new HV(text, undefined, undefined, pieces);
}

function printf(format: string, args: HV[]): Val {
  const pieces: Piece[] = [];
  let i = 0, last = 0;
  // Flags and widths (`%-5s`, `%05d`) are left undecided.
  const re = /%([^A-Za-z%]*)([A-Za-z%])/g;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    pieces.push({ text: format.slice(last, m.index) });
    last = m.index + m[0].length;
    if (m[2] === '%') { pieces.push({ text: '%' }); continue; }
    const a = args[i++];
    if (!a) return UNKNOWN;
    if (m[1]) return UNKNOWN;
    if (m[2] === 'q') { const s = str(a); if (s === undefined) return UNKNOWN; pieces.push({ text: JSON.stringify(s), src: a.src }); continue; }
    if (m[2] === 'd') { const n = num(a); if (n === undefined || !Number.isInteger(n)) return UNKNOWN; pieces.push({ text: String(n), src: a.src }); continue; }
    if (!'svdq'.includes(m[2])) return UNKNOWN;
    const p = piecesOf(a);
    if (!p) return UNKNOWN;
    pieces.push(...p);
  }
  pieces.push({ text: format.slice(last) });
  return joined(pieces.filter((p) => p.text !== ''));
}

function b64(s: string): string { return Buffer.from(s, 'utf8').toString('base64'); }

const FUNCTIONS: Record<string, Fn> = {
  default: ([d, v]) => (v === undefined || empty(v) ? d : v),
  required: (a) => a[a.length - 1],
  quote: (a) => { const ps = a.map(piecesOf); return ps.some((p) => !p) ? UNKNOWN : joined(ps.flatMap((p, i) => [{ text: i ? ' "' : '"' }, ...p!.map((x) => ({ ...x, text: x.text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') })), { text: '"' }])); },
  squote: (a) => { const ps = a.map(piecesOf); return ps.some((p) => !p) ? UNKNOWN : joined(ps.flatMap((p) => [{ text: "'" }, ...p!, { text: "'" }])); },
  toString: ([v]: HV[]) => (v.isScalar ? (v.pieces ? v : sameSource(v, str(v) ?? '')) : UNKNOWN),
  toYaml: ([v]) => { const p = v.missing ? undefined : toYamlPieces(v); return p ? joined(p) : UNKNOWN; },
  toJson: ([v]) => { try { return hv(JSON.stringify(plain(v))); } catch { return UNKNOWN; } },
  nindent: ([n, v]) => { const w = num(n); const p = piecesOf(v); return w === undefined || !p || w > 200 ? UNKNOWN : joined(indentPieces(p, ' '.repeat(w), '\n')); },
  indent: ([n, v]) => { const w = num(n); const p = piecesOf(v); return w === undefined || !p || w > 200 ? UNKNOWN : joined(indentPieces(p, ' '.repeat(w), '')); },
  trim: ([v]) => { if (v.pieces) return joined(trimPieces(v.pieces)); const s = str(v); return s === undefined ? UNKNOWN : sameSource(v, s.trim()); },
  trunc: ([n, v]) => { const w = num(n); const s = str(v); if (w === undefined || s === undefined) return UNKNOWN; return sameSource(v, w >= 0 ? s.slice(0, w) : s.slice(Math.max(0, s.length + w))); },
  trimSuffix: ([suf, v]) => { const a = str(suf), s = str(v); return a === undefined || s === undefined ? UNKNOWN : sameSource(v, a && s.endsWith(a) ? s.slice(0, -a.length) : s); },
  trimPrefix: ([pre, v]) => { const a = str(pre), s = str(v); return a === undefined || s === undefined ? UNKNOWN : sameSource(v, a && s.startsWith(a) ? s.slice(a.length) : s); },
  lower: ([v]) => { const s = str(v); return s === undefined ? UNKNOWN : sameSource(v, s.toLowerCase()); },
  upper: ([v]) => { const s = str(v); return s === undefined ? UNKNOWN : sameSource(v, s.toUpperCase()); },
  replace: ([o, n, v]) => { const a = str(o), b = str(n), s = str(v); return a === undefined || b === undefined || s === undefined || a === '' ? UNKNOWN : sameSource(v, s.split(a).join(b)); },
  b64enc: ([v]) => { const s = str(v); return s === undefined ? UNKNOWN : sameSource(v, b64(s)); },
  printf: ([f, ...args]) => { const s = str(f); return s === undefined ? UNKNOWN : printf(s, args); },
  print: (args) => { const p = args.map(piecesOf); return p.some((x) => !x) ? UNKNOWN : joined(p.flatMap((x) => x!)); },
  contains: ([sub, v]) => { const a = str(sub), s = str(v); return a === undefined || s === undefined ? UNKNOWN : hv(s.includes(a)); },
  hasPrefix: ([pre, v]) => { const a = str(pre), s = str(v); return a === undefined || s === undefined ? UNKNOWN : hv(s.startsWith(a)); },
  hasSuffix: ([suf, v]) => { const a = str(suf), s = str(v); return a === undefined || s === undefined ? UNKNOWN : hv(s.endsWith(a)); },
  empty: ([v]) => hv(empty(v)),
  not: ([v]) => hv(!truth(v)),
  eq: ([a, ...rest]) => { const r = rest.map((b) => equal(a, b)); return r.some((x) => x === undefined) ? UNKNOWN : hv(r.some((x) => x)); },
  ne: ([a, b]) => { const r = equal(a, b); return r === undefined ? UNKNOWN : hv(!r); },
  lt: ([a, b]) => compare(a, b, (x) => x < 0), le: ([a, b]) => compare(a, b, (x) => x <= 0),
  gt: ([a, b]) => compare(a, b, (x) => x > 0), ge: ([a, b]) => compare(a, b, (x) => x >= 0),
  hasKey: ([m, k]) => { const key = str(k); return m.v instanceof Map && key !== undefined ? hv(m.v.has(key)) : m.v === null ? hv(false) : UNKNOWN; },
  int: ([v]) => { const n = num(v); return n === undefined ? UNKNOWN : new HV(Math.trunc(n), v.src); },
  int64: ([v]) => { const n = num(v); return n === undefined ? UNKNOWN : new HV(Math.trunc(n), v.src); },
  float64: ([v]) => { const n = num(v); return n === undefined ? UNKNOWN : new HV(n, v.src); },
  ternary: ([a, b, c]) => (truth(c) ? a : b),
  coalesce: (args) => args.find((a) => !empty(a)) ?? hv(null),
  list: (args) => hv(args),
  dict: (args) => { const m = new Map<string, Val>(); for (let i = 0; i + 1 < args.length; i += 2) { const k = str(args[i]); if (k === undefined) return UNKNOWN; m.set(k, args[i + 1]); } return hv(m); },
  get: ([m, k]) => { const key = str(k); if (!(m.v instanceof Map) || key === undefined) return UNKNOWN; return m.v.get(key) ?? hv(''); },
  index: ([m, ...keys]) => {
    let cur: Val = m;
    for (const k of keys) {
      if (cur === UNKNOWN) return UNKNOWN;
      if (cur.v instanceof Map) { const key = str(k); if (key === undefined) return UNKNOWN; cur = cur.v.get(key) ?? hv(null); }
      else if (Array.isArray(cur.v)) { const i = num(k); if (i === undefined || !cur.v[i]) return UNKNOWN; cur = cur.v[i]; }
      else return UNKNOWN;
    }
    return cur;
  },
  len: ([v]) => (v.v instanceof Map ? hv(v.v.size) : Array.isArray(v.v) ? hv(v.v.length) : typeof v.v === 'string' ? hv(v.v.length) : UNKNOWN),
  join: ([sep, l]) => { const s = str(sep); if (s === undefined || !Array.isArray(l.v)) return UNKNOWN; const parts = l.v.map((x) => (x === UNKNOWN ? undefined : str(x))); return parts.some((p) => p === undefined) ? UNKNOWN : hv(parts.join(s)); },
  first: ([l]) => (Array.isArray(l.v) ? l.v[0] ?? hv(null) : UNKNOWN),
  kindIs: ([k, v]) => { const kind = str(k); const actual = v.v instanceof Map ? 'map' : Array.isArray(v.v) ? 'slice' : v.v === null ? 'invalid' : typeof v.v === 'string' ? 'string' : typeof v.v === 'boolean' ? 'bool' : Number.isInteger(v.v) ? 'int' : 'float64'; return kind === undefined ? UNKNOWN : hv(kind === actual); },
};

function compare(a: HV, b: HV, test: (x: number) => boolean): Val {
  const x = num(a), y = num(b);
  if (x !== undefined && y !== undefined && typeof a.v !== 'string' && typeof b.v !== 'string') return hv(test(x - y));
  const s = str(a), t = str(b);
  if (typeof a.v === 'string' && typeof b.v === 'string' && s !== undefined && t !== undefined) return hv(test(s < t ? -1 : s > t ? 1 : 0));
  return UNKNOWN;
}

/** Functions that decide without all their arguments. */
function partial(fn: string, args: Val[]): Val | undefined {
  const known = args.filter((a): a is HV => a !== UNKNOWN);
  if (fn === 'and') {
    const falsy = known.find((a) => truth(a) === false);
    if (falsy) return falsy;
    return known.length === args.length ? args[args.length - 1] : UNKNOWN;
  }
  if (fn === 'or') {
    for (const a of args) { if (a === UNKNOWN) return UNKNOWN; if (truth(a)) return a; }
    return args[args.length - 1] ?? UNKNOWN;
  }
  if (fn === 'default' && args.length === 2 && args[1] !== UNKNOWN && !empty(args[1])) return args[1];
  return undefined;
}

export function callFunction(fn: string, args: Val[]): Val {
  const p = partial(fn, args);
  if (p !== undefined) return p;
  const f = Object.prototype.hasOwnProperty.call(FUNCTIONS, fn) ? FUNCTIONS[fn] : undefined;
  if (!f || args.some((a) => a === UNKNOWN)) return UNKNOWN;
  try { return f(args as HV[]); } catch { return UNKNOWN; }
}
