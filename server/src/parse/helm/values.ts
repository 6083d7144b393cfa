import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import { parseDocumentBounded } from '../yaml-depth';
import type { Node } from 'yaml';

/** Where a value came from in values.yaml (offsets). */
export interface Src { start: number; end: number }

/** A piece of rendered text and, when it is a value of values.yaml, where that value is written. */
export interface Piece { text: string; src?: Src }

export type Scalar = string | number | boolean | null;

/**
 * A value the evaluator computes: a scalar, list or map, with the values.yaml position it was read
 * from (`src`, and `keySrc` for a map entry's key). A string built from several values keeps them in
 * `pieces`, so a finding on part of it can still be traced to the line that set that part.
 */
export class HV {
  constructor(readonly v: Scalar | Val[] | Map<string, Val>, readonly src?: Src, readonly keySrc?: Src, readonly pieces?: Piece[], readonly missing = false) {}
  get isMap(): boolean { return this.v instanceof Map; }
  get isList(): boolean { return Array.isArray(this.v); }
  get isScalar(): boolean { return !(this.v instanceof Map) && !Array.isArray(this.v); }
}

/** A value the defaults do not decide (a function we do not run, `.Capabilities`, `.Files`, …). */
export const UNKNOWN = Symbol('unknown');
export type Val = HV | typeof UNKNOWN;

export const hv = (v: HV['v'], src?: Src): HV => new HV(v, src);

const MAX_NODES = 100_000;

/** The values tree of a values.yaml text; UNKNOWN when it does not parse. */
export function readValues(text: string): Val {
  let doc;
  try { doc = parseDocumentBounded(text, { merge: true, uniqueKeys: false }); } catch { return UNKNOWN; }
  if (doc.errors.length) return UNKNOWN;
  const budget = { left: MAX_NODES };
  const convert = (n: unknown, keySrc: Src | undefined, depth: number): Val => {
    if (--budget.left < 0 || depth > 64) return UNKNOWN;
    let node = n as Node | null;
    // Aliases: resolved once (a bounded number of hops).
    for (let i = 0; i < 10 && node && isAlias(node); i++) node = (node.resolve(doc) as Node | undefined) ?? null;
    const range = (node as { range?: [number, number, number] } | null)?.range;
    const src = range ? { start: range[0], end: range[1] } : undefined;
    if (!node) return new HV(null, src, keySrc);
    if (isMap(node)) {
      const m = new Map<string, Val>();
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? pair.key.value : undefined;
        if (typeof k === 'symbol' || k === undefined || k === null) continue;
        const kr = (pair.key as { range?: [number, number, number] }).range;
        m.set(String(k), convert(pair.value, kr ? { start: kr[0], end: kr[1] } : undefined, depth + 1));
      }
      return new HV(m, src, keySrc);
    }
    if (isSeq(node)) return new HV(node.items.map((i) => convert(i, undefined, depth + 1)), src, keySrc);
    if (isScalar(node)) {
      const v = node.value;
      if (v === null || v === undefined) return new HV(null, src, keySrc);
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return new HV(v, src, keySrc);
      return new HV(String(v), src, keySrc);
    }
    return UNKNOWN;
  };
  return convert(doc.contents, undefined, 0);
}

/** Go template truth: false, 0, nil and empty strings, lists and maps are false. */
export function truth(v: Val): boolean | undefined {
  if (v === UNKNOWN) return undefined;
  const x = v.v;
  if (x instanceof Map) return x.size > 0;
  if (Array.isArray(x)) return x.length > 0;
  return !(x === null || x === false || x === 0 || x === '');
}

/** `{{ v }}` output (Go's %v for scalars; Helm prints missing values as empty); undefined for lists and maps. */
export function scalarText(v: HV): string | undefined {
  const x = v.v;
  if (v.missing) return undefined;
  if (v.pieces) return v.pieces.map((p) => p.text).join('');
  if (x === null) return '';
  if (typeof x === 'string') return x;
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  if (typeof x === 'number') return Number.isInteger(x) ? String(x) : String(x).replace(/e\+?(-?)(\d)$/, 'e+$10$2');
  return undefined;
}

/**
 * A key values.yaml does not have. Helm prints it as an empty string, but such keys usually come from
 * a subchart's defaults or the user's values: false in a condition, never printed as a decided value.
 */
export const MISSING = new HV(null, undefined, undefined, undefined, true);

export function piecesOf(v: HV): Piece[] | undefined {
  if (v.missing) return undefined;
  if (v.pieces) return v.pieces;
  const text = scalarText(v);
  return text === undefined ? undefined : [{ text, src: v.src }];
}

const PLAIN = /^[A-Za-z0-9_/.][A-Za-z0-9_/.@=+-]*(?: [A-Za-z0-9_/.@=+-]+)*$/;
const NOT_A_STRING = /^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.inf|\.nan)$/i;

function yamlScalar(v: HV): string {
  const x = v.v;
  if (x === null) return 'null';
  if (typeof x === 'string') return PLAIN.test(x) && !NOT_A_STRING.test(x) ? x : JSON.stringify(x);
  return scalarText(v) ?? 'null';
}

/**
 * `toYaml` as Helm writes it (sigs.k8s.io/yaml: keys sorted, lists not indented under their key, no
 * final line break), as pieces: every key and scalar keeps its values.yaml position.
 */
export function toYamlPieces(v: Val): Piece[] | undefined {
  const out: Piece[] = [];
  let ok = true;
  const simple = (x: HV) => x.isScalar || (x.isMap && (x.v as Map<string, Val>).size === 0) || (x.isList && (x.v as Val[]).length === 0);
  const inline = (x: HV): Piece => (x.isMap ? { text: '{}', src: x.src } : x.isList ? { text: '[]', src: x.src } : { text: yamlScalar(x), src: x.src });
  const emit = (x: HV, ind: number, first: boolean, depth: number): void => {
    if (depth > 64 || out.length > 200_000) { ok = false; return; }
    const pad = ' '.repeat(ind);
    if (x.isMap) {
      const entries = [...(x.v as Map<string, Val>).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      entries.forEach(([k, val], i) => {
        if (val === UNKNOWN) { ok = false; return; }
        if (i > 0 || !first) out.push({ text: pad });
        out.push({ text: PLAIN.test(k) && !NOT_A_STRING.test(k) ? k : JSON.stringify(k), src: val.keySrc }, { text: ':' });
        if (simple(val)) { out.push({ text: ' ' }, inline(val), { text: '\n' }); return; }
        out.push({ text: '\n' });
        emit(val, val.isMap ? ind + 2 : ind, false, depth + 1);
      });
    } else if (x.isList) {
      (x.v as Val[]).forEach((item, i) => {
        if (item === UNKNOWN) { ok = false; return; }
        out.push({ text: i > 0 || !first ? pad + '- ' : '- ' });
        if (simple(item)) { out.push(inline(item), { text: '\n' }); return; }
        if (item.isMap) emit(item, ind + 2, true, depth + 1);
        else { out.push({ text: '\n' }); emit(item, ind + 2, false, depth + 1); }
      });
    } else out.push(inline(x), { text: '\n' });
  };
  if (v === UNKNOWN) return undefined;
  if (simple(v)) return [inline(v)];
  emit(v, 0, true, 0);
  if (!ok) return undefined;
  const last = out[out.length - 1];
  if (last?.text === '\n') out.pop();
  return out;
}
