import { Alias, Document, isAlias, isMap, isPair, isScalar, isSeq, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Located } from '../model/common';
import { Range, rangeContains, SourceText } from '../model/range';
import { isDynamicText } from '../knowledge/interpolation';

/**
 * A read-only view over one node of a parsed YAML document that resolves aliases and merge keys
 * and reports every value with its exact source range. Models expose these views so rules can read
 * keys the typed model does not name, without ever touching text.
 */
const ENTRY_CACHE = new WeakMap<Node, { source: SourceText; entries: YEntry[] }>();

/**
 * The document an alias was written in, for aliases of another file placed in a merged view (a Compose
 * overlay over its base): an alias resolves against its own file's anchors, not the view's document.
 */
const HOME_DOCUMENT = new WeakMap<Node, Document>();
export function registerHomeDocument(alias: Node, doc: Document): void { HOME_DOCUMENT.set(alias, doc); }

export class YView {
  constructor(readonly node: Node | null, readonly doc: Document, readonly source: SourceText, private readonly depth = 0) {}

  get range(): Range {
    const r = this.node?.range;
    return r ? this.source.range(r[0], r[1]) : this.source.range(0, 0);
  }
  get isMap(): boolean { return isMap(this.node); }
  get isSeq(): boolean { return isSeq(this.node); }
  get isScalar(): boolean { return isScalar(this.node); }
  get isNull(): boolean { return this.node === null || (isScalar(this.node) && this.node.value === null); }

  /** Map entries with merge keys (`<<: *base`) expanded; the map's own keys win. */
  entries(): YEntry[] {
    if (!isMap(this.node)) return [];
    // Rules ask the same maps for keys again and again; a map's entries never change after parsing.
    // (Per source: a merged Compose view reads the same nodes with the project's combined text.)
    const cached = ENTRY_CACHE.get(this.node);
    if (cached && cached.source === this.source) return cached.entries;
    const computed = this.computeEntries();
    ENTRY_CACHE.set(this.node, { source: this.source, entries: computed });
    return computed;
  }

  private computeEntries(): YEntry[] {
    if (!isMap(this.node)) return [];
    const own: YEntry[] = [];
    const merged: YEntry[] = [];
    for (const item of (this.node as YAMLMap).items) {
      if (!isPair(item)) continue;
      const raw = isScalar(item.key) ? item.key.value : undefined;
      // With `merge: true` the yaml library represents `<<` as Symbol('<<').
      const keyText = typeof raw === 'symbol' ? (raw.description === '<<' ? '<<' : undefined) : raw === undefined || raw === null ? undefined : String(raw);
      if (keyText === '<<' && this.depth < 20) {
        for (const src of this.mergeSources(item)) merged.push(...src.entries());
        continue;
      }
      if (keyText === undefined) continue;
      own.push(new YEntry(keyText, item as Pair<Node, Node | null>, this));
    }
    const seen = new Set(own.map((e) => e.key));
    return [...own, ...merged.filter((e) => !seen.has(e.key) && (seen.add(e.key), true))];
  }

  private mergeSources(pair: Pair): YView[] {
    const v = this.resolve(pair.value as Node | null);
    if (isMap(v)) return [this.child(v)];
    if (isSeq(v)) return (v as YAMLSeq).items.map((n) => this.resolve(n as Node)).filter(isMap).map((n) => this.child(n as Node));
    return [];
  }

  get(key: string): YView | undefined { return this.entry(key)?.value; }
  entry(key: string): YEntry | undefined { return this.entries().find((e) => e.key === key); }
  has(key: string): boolean { return this.entry(key) !== undefined; }
  keyRange(key: string): Range | undefined { return this.entry(key)?.keyRange; }

  items(): YView[] {
    if (!isSeq(this.node)) return [];
    return (this.node as YAMLSeq).items.map((n) => this.child(this.resolve(n as Node)));
  }

  /** Scalar value as a string (numbers and booleans converted); undefined for maps, sequences and null. */
  str(): Located | undefined {
    if (!isScalar(this.node) || this.node.value === null || this.node.value === undefined) return undefined;
    const value = String((this.node as Scalar).value);
    return { value, range: this.range, dynamic: isDynamicText(value) };
  }
  bool(): Located<boolean> | undefined {
    const s = this.str();
    if (!s) return undefined;
    const v = s.value.toLowerCase();
    if (v === 'true' || v === 'yes' || v === 'on') return { ...s, value: true };
    if (v === 'false' || v === 'no' || v === 'off') return { ...s, value: false };
    return undefined;
  }
  num(): Located<number> | undefined {
    const s = this.str();
    if (!s || s.value.trim() === '' || isNaN(Number(s.value))) return undefined;
    return { ...s, value: Number(s.value) };
  }
  /** Plain JS value (aliases resolved, bounded) for rules that just compare structures. */
  toJS(): unknown {
    try { return this.node ? (this.node as Node).toJS(this.doc, { maxAliasCount: 100 }) : null; } catch { return undefined; }
  }

  child(node: Node | null): YView { return new YView(node, this.doc, this.source, this.depth + 1); }
  resolve(node: Node | null | undefined): Node | null {
    let n: Node | null | undefined = node;
    for (let i = 0; i < 20 && n && isAlias(n); i++) n = (n as Alias).resolve(HOME_DOCUMENT.get(n) ?? this.doc) as Node | undefined;
    return n ?? null;
  }
}

export class YEntry {
  readonly value: YView;
  // Ranges are computed when first asked: rules read many more entries than they report on.
  private keyRangeMemo?: Range;
  private rangeMemo?: Range;
  private valueRangeMemo?: Range;
  constructor(readonly key: string, readonly pair: Pair<Node, Node | null>, private readonly parent: YView) {
    this.value = parent.child(parent.resolve(pair.value));
  }
  get keyRange(): Range { return (this.keyRangeMemo ??= rangeOf(this.pair.key, this.parent.source)); }
  /** An entry spans from its key to the end of its value: the unit a fix deletes or a comment suppresses. */
  get range(): Range {
    if (!this.rangeMemo) {
      const { key, value } = this.pair;
      const end = value?.range?.[1] ?? (key as Node).range?.[1] ?? 0;
      const start = (key as Node).range?.[0] ?? 0;
      this.rangeMemo = this.parent.source.range(start, Math.max(start, end));
    }
    return this.rangeMemo;
  }
  /**
   * The value is written under this key, not an alias (`*base`) to a node elsewhere, which may be
   * shared: an edit inside the value then changes only this entry.
   */
  get valueInPlace(): boolean { return rangeContains(this.range, this.value.range); }
  /** The value's range, or the key's when the value is empty (`privileged:`). */
  get valueRangeOrKey(): Range {
    return (this.valueRangeMemo ??= this.pair.value?.range ? rangeOf(this.pair.value, this.parent.source) : this.keyRange);
  }
}

function rangeOf(node: Node | null | undefined, source: SourceText): Range {
  const r = node?.range;
  return r ? source.range(r[0], r[1]) : source.range(0, 0);
}
