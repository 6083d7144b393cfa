import * as fs from 'fs';
import * as path from 'path';
import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node } from 'yaml';
import type { FileKind } from '../model/common';
import type { KubeObject, KubernetesModel } from '../model/kubernetes';
import { Range, SourceText } from '../model/range';
import { YView } from '../parse/yaml-view';
import { mayDefineProjectObjects } from '../knowledge/config-objects';
import { detectKind, isKustomizationPath } from '../parse/detect';

/**
 * Rules see other files only through `ctx.modelOf(path, kind)`. Asking for the Kubernetes model of a
 * *folder* returns every manifest object the workspace index holds under it, merged into one model.
 * It is for names, not positions: each object keeps its kind, name, namespace, labels, annotations and
 * own ranges (those of its own file), and `raw` holds its whole document, but ranges inside `raw` are
 * empty and `workload` is absent; ask `modelOf(file, 'kubernetes')` for one file's pods or positions.
 * (The index keeps these objects compactly between analyses: a parsed document is 15–25× its text.)
 * Hosts without an index (plain CLI `check`, a single file) return undefined, and rules fall back to
 * the current file.
 */
/** Whether `modelOf(abs, kind)` asks for a folder's catalogue rather than a file's model. */
export function isCatalogueQuery(abs: string, kind: FileKind): boolean {
  if (kind !== 'kubernetes') return false;
  try { return fs.statSync(abs).isDirectory(); } catch { return false; }
}

export function catalogueQuery(filePath: string): string {
  return path.parse(path.resolve(filePath)).root;
}

export function mergeObjects(folder: string, models: KubernetesModel[]): KubernetesModel {
  const objects: KubeObject[] = [];
  for (const m of models) objects.push(...m.objects);
  return catalogueModel(folder, objects);
}

export function catalogueModel(folder: string, objects: KubeObject[]): KubernetesModel {
  return { kind: 'kubernetes', uri: folder, source: new SourceText(''), objects, helm: false, problems: [] };
}

/**
 * A manifest object as the index keeps it for the catalogue: its fields, and its document as JSON
 * (maps as `{ m: [key, value, key, value, …] }`, so key order and merge keys resolve as `raw` did).
 */
export interface CatalogueEntry extends Pick<KubeObject, 'apiVersion' | 'kind' | 'kindRange' | 'name' | 'nameRange' | 'namespace' | 'range' | 'docIndex' | 'templated'> {
  annotations: [string, string][];
  labels: [string, string][];
  doc: string;
}

type Encoded = string | number | boolean | null | Encoded[] | { m: Encoded[] } | { f: string };

/** Bounds alias expansion (a "billion laughs" document must not explode the catalogue). */
const MAX_ENCODED_NODES = 200_000;

function encode(v: YView, budget: { left: number }): Encoded {
  if (--budget.left < 0) return null;
  if (v.isMap) {
    const m: Encoded[] = [];
    for (const e of v.entries()) m.push(e.key, encode(e.value, budget));
    return { m };
  }
  if (v.isSeq) return v.items().map((i) => encode(i, budget));
  const node = v.node as Scalar | null;
  const value: unknown = node && 'value' in node ? node.value : null;
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { f: String(value) };
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

function decode(e: Encoded): Node {
  if (Array.isArray(e)) { const s = new YAMLSeq(); for (const i of e) s.items.push(decode(i)); return s; }
  if (e !== null && typeof e === 'object') {
    if ('f' in e) return new Scalar(Number(e.f));
    const map = new YAMLMap();
    for (let i = 0; i + 1 < e.m.length; i += 2) map.items.push(new Pair(new Scalar(e.m[i]), decode(e.m[i + 1])));
    return map;
  }
  return new Scalar(e);
}

const copyRange = (r: Range): Range => ({ start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } });

/** The catalogue entries of one parsed manifest file. */
export function catalogueEntriesOf(model: KubernetesModel): CatalogueEntry[] {
  return model.objects.map((o) => ({
    apiVersion: o.apiVersion, kind: o.kind, kindRange: copyRange(o.kindRange), name: o.name, nameRange: o.nameRange && copyRange(o.nameRange),
    namespace: o.namespace, range: copyRange(o.range), docIndex: o.docIndex, annotations: [...o.annotations], labels: [...o.labels],
    templated: o.templated, doc: JSON.stringify(encode(o.raw, { left: MAX_ENCODED_NODES })),
  }));
}

/**
 * Catalogue objects again from their entries (one file's: they share a document and an empty source).
 * `raw` is decoded when first read: most rules only look at kinds and names.
 */
export function catalogueObjects(entries: CatalogueEntry[]): KubeObject[] {
  const doc = new Document();
  const source = new SourceText('');
  return entries.map((e) => {
    let raw: YView | undefined;
    const o = {
      apiVersion: e.apiVersion, kind: e.kind, kindRange: e.kindRange, name: e.name, nameRange: e.nameRange, namespace: e.namespace,
      range: e.range, docIndex: e.docIndex, annotations: new Map(e.annotations), labels: new Map(e.labels), templated: e.templated,
    } as KubeObject;
    Object.defineProperty(o, 'raw', { enumerable: true, get: () => (raw ??= new YView(decode(JSON.parse(e.doc) as Encoded), doc, source)) });
    return o;
  });
}

/**
 * The catalogue objects of a manifest that can define a Secret or ConfigMap, or hold an object another
 * file's workload is judged with (knowledge/config-objects: budgets, autoscalers, Services, kustomizations),
 * detached from its text (names would otherwise keep the whole text in memory); none for other files.
 * For catalogues that only serve reference resolution (`check`, `fix`, the editor before indexing).
 */
export function configObjectsOf(abs: string, text: string | undefined, parse: (abs: string, text: string) => KubernetesModel | undefined): KubeObject[] {
  const json = configEntriesOf(abs, text, parse);
  return json === undefined ? [] : catalogueObjects(JSON.parse(json) as CatalogueEntry[]);
}

/** configObjectsOf's entries as JSON (what a worker thread hands over), undefined when the file has none. */
export function configEntriesOf(abs: string, text: string | undefined, parse: (abs: string, text: string) => KubernetesModel | undefined): string | undefined {
  if (text === undefined || !(mayDefineProjectObjects(text) || isKustomizationPath(abs)) || detectKind(abs, text) !== 'kubernetes') return undefined;
  let model: KubernetesModel | undefined;
  try { model = parse(abs, text); } catch { model = undefined; }
  return model ? JSON.stringify(catalogueEntriesOf(model)) : undefined;
}
