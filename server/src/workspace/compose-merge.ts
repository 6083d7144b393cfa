/**
 * Compose's merge of one service definition (or whole file) over another, as the Compose specification
 * describes it: mappings merged key by key, `environment`/`labels`/`args` and similar merged by name,
 * `volumes` by target, `ports` and other sequences appended without duplicates, `command`/`entrypoint`/
 * `healthcheck.test` replaced, scalars replaced; `!reset` removes a value and `!override` replaces it
 * whole. The result is a new node tree that reuses both sides' nodes, so every value keeps its range.
 */
import { Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { YView } from '../parse/yaml-view';

const REPLACED = new Set(['command', 'entrypoint', 'test']);
/** Sequences that hold `NAME=value` (or `NAME: value` in map form) and merge by name. */
const BY_NAME = new Set(['environment', 'labels', 'args', 'annotations', 'sysctls', 'extra_hosts', 'ulimits']);
/** Sequences of mounts, merged by target path. */
const BY_TARGET = new Set(['volumes', 'secrets', 'configs']);

const tagOf = (v: YView) => (v.node as { tag?: string } | null)?.tag;

/** `node` (a map) without one of its keys; merge keys are expanded. */
export function withoutKey(v: YView, key: string): YAMLMap {
  const out = new YAMLMap();
  out.range = (v.node as YAMLMap).range;
  for (const e of v.entries()) if (e.key !== key) out.items.push(e.pair);
  return out;
}

/**
 * `over` merged onto `base`; `keys` is the path of the value (`['services', 'web', 'volumes']`).
 * Returns null when `over` resets the value.
 */
export function mergeComposeNodes(base: YView, over: YView, keys: string[]): Node | null {
  const tag = tagOf(over);
  if (tag === '!reset') return null;
  if (tag === '!override') return over.node;
  const key = keys[keys.length - 1] ?? '';
  if (base.isMap && over.isMap) {
    const out = new YAMLMap();
    out.range = (over.node as YAMLMap).range;
    const overEntries = new Map(over.entries().map((e) => [e.key, e] as const));
    for (const b of base.entries()) {
      const o = overEntries.get(b.key);
      if (!o) { out.items.push(b.pair); continue; }
      overEntries.delete(b.key);
      const merged = mergeComposeNodes(b.value, o.value, [...keys, b.key]);
      if (merged !== null) out.items.push(new Pair(o.pair.key, merged));
    }
    for (const o of overEntries.values()) if (tagOf(o.value) !== '!reset') out.items.push(o.pair);
    return out;
  }
  if (base.isSeq && over.isSeq && !REPLACED.has(key)) {
    const identity = BY_NAME.has(key) ? nameOf : BY_TARGET.has(key) && keys.length === 3 ? targetOf : textOf;
    const out = new YAMLSeq();
    out.range = (over.node as YAMLSeq).range;
    const overItems = over.items();
    const overIds = new Set(overItems.map(identity).filter((x) => x !== undefined));
    for (const [i, b] of base.items().entries()) {
      const id = identity(b);
      if (id === undefined || !overIds.has(id)) out.items.push((base.node as YAMLSeq).items[i]);
    }
    for (const [i] of overItems.entries()) out.items.push((over.node as YAMLSeq).items[i]);
    return out;
  }
  return over.node;
}

function textOf(v: YView): string | undefined {
  const s = v.str();
  return s ? s.value : undefined;
}

/** `NAME=value`, `NAME`, `host:ip`: the name a by-name sequence item sets. */
function nameOf(v: YView): string | undefined {
  const s = v.str()?.value;
  return s === undefined ? undefined : s.split(/[=:]/)[0].trim();
}

/** The container path a mount (short or long syntax) or a secret/config mounts at. */
function targetOf(v: YView): string | undefined {
  const s = v.str()?.value;
  if (s !== undefined) {
    const parts = s.split(':');
    return parts.length === 1 ? parts[0] : /^[A-Za-z]$/.test(parts[0]) && parts.length > 2 ? parts[2] : parts[1];
  }
  if (!v.isMap) return undefined;
  return v.get('target')?.str()?.value ?? v.get('source')?.str()?.value;
}

