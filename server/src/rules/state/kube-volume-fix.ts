/**
 * The quick fix of `database-without-volume` for Kubernetes: keep a datastore's data directory on a
 * PersistentVolumeClaim. A StatefulSet gets a `volumeClaimTemplates` entry (one claim per replica) in
 * place of its `emptyDir` pod volume; a Deployment or a Pod gets its `emptyDir` replaced by a
 * `persistentVolumeClaim` and a PersistentVolumeClaim document appended to the file. When nothing is
 * mounted at the data directory, a volumeMount is added there too. A Deployment also gets
 * `strategy.type: Recreate`, since a rolling update would start the new pod while the old one still
 * holds the ReadWriteOnce claim. The fix is unsafe: a claim needs a storage class (or a provisioner)
 * in the cluster, and its size is a guess to review.
 * Unusual layouts (flow collections, several replicas of a Deployment, other volume types) get no fix.
 */
import type { Fix, TextEdit } from '../../engine/rule';
import type { KubeContainer, KubeObject, KubernetesModel } from '../../model/kubernetes';
import type { SourceText } from '../../model/range';
import type { YView } from '../../parse/yaml-view';
import { appendToMap, entryEnd, eolOf, keyColumn, ownEntries } from '../backing-services/yaml-edit';
import { appendSeqItem, dashColumn, rangeKey, removeEntry, removeSeqItem } from '../host-daemon/shared';
import { ephemeralCover, Mounts } from './mounts';

/** The size written into new claims: a starting point the user is expected to review. */
export const DEFAULT_STORAGE = '10Gi';

interface Layout { step: number; dash: number; eol: string }

/** The file's indentation: the step below `metadata:` and the `-` offset of `containers:` (0 for compact sequences). */
function layoutOf(src: SourceText, obj: KubeObject, podSpec: YView): Layout {
  const meta = obj.raw.entry('metadata');
  const metaCol = meta && keyColumn(src, meta.value);
  const step = meta && metaCol !== undefined && metaCol > meta.keyRange.start.character ? metaCol - meta.keyRange.start.character : 2;
  const containers = podSpec.entry('containers');
  const first = containers?.value.items()[0];
  const col = first && dashColumn(src, first);
  const dash = containers && col !== undefined && col >= containers.keyRange.start.character ? col - containers.keyRange.start.character : step;
  return { step, dash, eol: eolOf(src.text) };
}

/** Lines of a new block sequence under a key, relative to the key's column. */
function newSeq(key: string, items: string[][], l: Layout): string[] {
  const pad = ' '.repeat(l.dash);
  return [`${key}:`, ...items.flatMap((lines) => lines.map((x, i) => `${pad}${i === 0 ? '- ' : '  '}${x}`))];
}

/** One volumeClaimTemplates item, relative to its content column (the first line follows `- `). */
function claimTemplate(name: string, l: Layout): string[] {
  const s = (n: number) => ' '.repeat(l.step * n);
  return ['metadata:', `${s(1)}name: ${name}`, 'spec:', `${s(1)}accessModes: [ReadWriteOnce]`, `${s(1)}resources:`, `${s(2)}requests:`, `${s(3)}storage: ${DEFAULT_STORAGE}`];
}

/** Adds a claim template to a StatefulSet's `spec`. */
function addClaimTemplate(src: SourceText, obj: KubeObject, name: string, l: Layout): TextEdit | undefined {
  const spec = obj.raw.get('spec');
  if (!spec?.isMap) return undefined;
  const existing = spec.get('volumeClaimTemplates');
  if (existing) return appendSeqItem(src, existing, claimTemplate(name, l));
  return appendToMap(src, spec, newSeq('volumeClaimTemplates', [claimTemplate(name, l)], l));
}

/** A PersistentVolumeClaim document appended to the file, unless the file already has a claim of that name. */
function claimDocument(model: KubernetesModel, obj: KubeObject, claim: string, l: Layout): TextEdit | undefined | null {
  if (model.objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.name === claim && o.namespace === obj.namespace)) return null;
  const src = model.source;
  const text = src.text;
  const s = (n: number) => ' '.repeat(l.step * n);
  const lines = [
    'apiVersion: v1', 'kind: PersistentVolumeClaim', 'metadata:', `${s(1)}name: ${claim}`,
    ...(obj.namespace ? [`${s(1)}namespace: ${obj.namespace}`] : []),
    'spec:', `${s(1)}accessModes: [ReadWriteOnce]`, `${s(1)}resources:`, `${s(2)}requests:`, `${s(3)}storage: ${DEFAULT_STORAGE}`,
  ];
  const trimmed = text.trimEnd();
  if (/\n\.\.\.$/.test(trimmed) || trimmed === '...') return undefined;
  // A file that already ends with a document separator gets no second one.
  const endsWithSeparator = /(?:^|\n)---$/.test(trimmed);
  const sep = text.length && !text.endsWith('\n') ? l.eol : '';
  const end = src.positionAt(text.length);
  return { range: { start: end, end }, newText: `${sep}${endsWithSeparator ? '' : `---${l.eol}`}${lines.join(l.eol)}${l.eol}` };
}

/**
 * Edits that make a Deployment replace its pod instead of rolling it (`strategy.type: Recreate`): a
 * new `strategy:` after `replicas:` (else after `selector:`, else at the end of `spec`), `type:` set
 * to Recreate and `rollingUpdate:` dropped in an existing one; none when it is already Recreate.
 * Undefined (no fix) when the strategy is written in a way these edits cannot follow (an alias, a flow
 * mapping over several lines, an empty value).
 */
function recreateStrategy(src: SourceText, obj: KubeObject, l: Layout): (TextEdit | undefined)[] {
  const specEntry = obj.raw.entry('spec');
  const spec = specEntry?.value;
  const col = spec && keyColumn(src, spec);
  // Aliased values live elsewhere (and may be shared): no edit there.
  if (!specEntry || !spec || col === undefined || !specEntry.valueInPlace) return [undefined];
  const own = ownEntries(spec);
  const s = ' '.repeat(l.step);
  const strategy = own.find((e) => e.key === 'strategy');
  if (!strategy) {
    const anchor = own.find((e) => e.key === 'replicas') ?? own.find((e) => e.key === 'selector');
    const lines = ['strategy:', `${s}type: Recreate`];
    if (!anchor) return [appendToMap(src, spec, lines)];
    const p = src.positionAt(entryEnd(src, anchor));
    return [{ range: { start: p, end: p }, newText: lines.map((x) => `${l.eol}${' '.repeat(col)}${x}`).join('') }];
  }
  const v = strategy.value;
  if (!strategy.valueInPlace) return [undefined];
  if (v.isMap && src.text[src.offsetAt(v.range.start)] === '{') {
    // `strategy: {type: RollingUpdate}` on one line: rewritten whole.
    if (v.range.start.line !== v.range.end.line) return [undefined];
    return v.get('type')?.str()?.value === 'Recreate' ? [] : [{ range: v.range, newText: '{type: Recreate}' }];
  }
  if (!v.isMap || keyColumn(src, v) === undefined) return [undefined];
  const type = ownEntries(v).find((e) => e.key === 'type');
  const rolling = ownEntries(v).find((e) => e.key === 'rollingUpdate');
  if (type?.value.str()?.value === 'Recreate') return [];
  const edits: (TextEdit | undefined)[] = [];
  if (type) edits.push(type.value.isScalar && type.valueInPlace && type.value.range.start.line === type.value.range.end.line ? { range: type.value.range, newText: 'Recreate' } : undefined);
  if (rolling) {
    const removal = removeEntry(src, rolling);
    if (type || !removal) edits.push(removal);
    else {
      // No `type` (RollingUpdate by default): the `rollingUpdate:` lines become `type: Recreate`.
      const removed = src.slice(removal.range);
      edits.push({ range: removal.range, newText: `${' '.repeat(rolling.keyRange.start.character)}type: Recreate${removed.endsWith('\n') ? l.eol : ''}` });
    }
  } else if (!type) {
    edits.push(appendToMap(src, v, ['type: Recreate']));
  }
  return edits;
}

/** A name for a new volume that no pod volume, claim template or mount of the pod uses yet. */
function freshVolumeName(obj: KubeObject): string {
  const w = obj.workload!;
  const used = new Set<string>([...w.podSpec.volumes.map((v) => v.name), ...w.volumeClaimTemplates.map((t) => t.name)]);
  for (const c of [...w.podSpec.containers, ...w.podSpec.initContainers]) for (const m of c.volumeMounts) used.add(m.name);
  let name = 'data';
  for (let i = 2; used.has(name); i++) name = `data-${i}`;
  return name;
}

/** The pod spec's `volumes` item of a name, when it is written in the pod spec itself. */
function volumeItem(podSpec: YView, name: string): YView | undefined {
  const seq = podSpec.get('volumes');
  const item = seq?.items().find((v) => v.get('name')?.str()?.value === name);
  return item && seq && item.isMap ? item : undefined;
}

/**
 * One fix of several edits. Insertions at the same point are joined in the order given (a new
 * volumeMount before a new pod volume before a new document); an insertion inside a deletion is
 * refused unless the caller merged them.
 */
function bundle(src: SourceText, title: string, edits: (TextEdit | undefined | null)[]): Fix | undefined {
  if (edits.some((e) => e === undefined)) return undefined;
  const out: TextEdit[] = [];
  for (const e of edits.filter((x): x is TextEdit => !!x)) {
    const s = src.offsetAt(e.range.start), t = src.offsetAt(e.range.end);
    const same = s === t ? out.find((o) => src.offsetAt(o.range.start) === s && src.offsetAt(o.range.end) === s) : undefined;
    if (same) { same.newText += e.newText; continue; }
    for (const o of out) {
      const os = src.offsetAt(o.range.start), ot = src.offsetAt(o.range.end);
      if ((s < ot && os < t) || (s === t && os < s && s < ot) || (os === ot && s < os && os < t)) return undefined;
    }
    out.push({ range: e.range, newText: e.newText });
  }
  return { title, safety: 'unsafe', edits: out };
}

/**
 * Deleting the last lines of a StatefulSet's pod template while the claim template goes right after
 * them: one edit that replaces the deleted lines by the new ones.
 */
function replaceLines(src: SourceText, removal: TextEdit | undefined, insertion: TextEdit | undefined, eol: string): (TextEdit | undefined)[] {
  if (!removal || !insertion) return [removal, insertion];
  const from = src.offsetAt(removal.range.start), to = src.offsetAt(removal.range.end), at = src.offsetAt(insertion.range.start);
  if (!(from < at && at <= to)) return [removal, insertion];
  const removed = src.text.slice(from, to);
  if (at !== src.lineEnd(src.positionAt(removed.endsWith('\n') ? to - 1 : to).line) || !insertion.newText.startsWith(eol)) return [undefined];
  return [{ range: removal.range, newText: insertion.newText.slice(eol.length) + (removed.endsWith('\n') ? eol : '') }];
}

/** The strategy edits for a Deployment (none for a Pod), and what the title says about them. */
function recreate(src: SourceText, obj: KubeObject, l: Layout): { edits: (TextEdit | undefined)[]; note: string } {
  const edits = obj.kind === 'Deployment' ? recreateStrategy(src, obj, l) : [];
  return { edits, note: edits.length ? ' and use the Recreate strategy' : '' };
}

/**
 * The fix for container `c` of `obj` whose data directory `dir` is not persistent. Offered for
 * StatefulSets, Deployments of at most one replica (two pods on one ReadWriteOnce claim would share
 * or fight over the data) and Pods, when the directory is on an `emptyDir` (or source-less) volume or
 * on nothing at all.
 */
export function kubeVolumeFix(model: KubernetesModel, obj: KubeObject, c: KubeContainer, dir: string, mounts: Mounts): Fix | undefined {
  const w = obj.workload;
  if (!w || model.helm || obj.templated || !obj.name || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(obj.name)) return undefined;
  const sts = obj.kind === 'StatefulSet';
  if (!sts && obj.kind !== 'Deployment' && obj.kind !== 'Pod') return undefined;
  if (obj.kind === 'Deployment' && (w.replicas?.value ?? 1) > 1) return undefined;
  const src = model.source;
  const podSpec = w.podSpec.raw;
  if (!podSpec.isMap || keyColumn(src, podSpec) === undefined) return undefined;
  const l = layoutOf(src, obj, podSpec);
  const s = ' '.repeat(l.step);
  const cover = ephemeralCover(mounts, dir);

  if (cover) {
    // The data directory is on a pod volume: make that volume persistent, keeping every mount of it.
    const vm = c.volumeMounts.find((m) => rangeKey(m.range) === rangeKey(cover.range));
    const vol = vm && w.podSpec.volumes.find((v) => v.name === vm.name);
    if (!vm || !vol || (vol.type !== 'emptyDir' && vol.type !== 'unknown')) return undefined;
    const item = volumeItem(podSpec, vol.name);
    if (!item || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(vol.name)) return undefined;
    if (sts) {
      const seq = podSpec.entry('volumes')!;
      const removal = seq.value.items().length === 1 ? removeEntry(src, seq) : removeSeqItem(src, item);
      return bundle(src, `Replace the emptyDir volume "${vol.name}" with a volumeClaimTemplate (a ${DEFAULT_STORAGE} PersistentVolumeClaim per replica; needs a storage class)`,
        replaceLines(src, removal, addClaimTemplate(src, obj, vol.name, l), l.eol));
    }
    const claim = `${obj.name}-${vol.name}`;
    let swap: TextEdit | undefined;
    const e = item.entry('emptyDir');
    if (e) {
      const col = e.keyRange.start.character;
      const before = src.lineText(e.keyRange.start.line).slice(0, col);
      if (/^[ ]*(?:-[ ]+)?$/.test(before)) {
        swap = { range: e.range, newText: `persistentVolumeClaim:${l.eol}${' '.repeat(col)}${s}claimName: ${claim}` };
      }
    } else {
      swap = appendToMap(src, item, ['persistentVolumeClaim:', `${s}claimName: ${claim}`]);
    }
    const strategy = recreate(src, obj, l);
    return bundle(src, `Replace the emptyDir volume "${vol.name}" with a PersistentVolumeClaim "${claim}" (${DEFAULT_STORAGE}; needs a storage class)${strategy.note}`,
      [swap, ...strategy.edits, claimDocument(model, obj, claim, l)]);
  }

  // Nothing is mounted at (or above) the data directory: mount a new volume there.
  if (/["'\\:#{}[\],&*!|>%@`]/.test(dir) || dir.includes(' ')) return undefined;
  const name = freshVolumeName(obj);
  const mountLines = [`name: ${name}`, `mountPath: ${dir}`];
  const mounts0 = c.raw.get('volumeMounts');
  const mountEdit = mounts0 ? appendSeqItem(src, mounts0, mountLines) : (keyColumn(src, c.raw) === undefined ? undefined : appendToMap(src, c.raw, newSeq('volumeMounts', [mountLines], l)));
  if (sts) {
    return bundle(src, `Mount a volumeClaimTemplate "${name}" at ${dir} (a ${DEFAULT_STORAGE} PersistentVolumeClaim per replica; needs a storage class)`,
      [mountEdit, addClaimTemplate(src, obj, name, l)]);
  }
  const claim = `${obj.name}-${name}`;
  const volLines = [`name: ${name}`, 'persistentVolumeClaim:', `${s}claimName: ${claim}`];
  const vols = podSpec.get('volumes');
  const volEdit = vols ? appendSeqItem(src, vols, volLines) : appendToMap(src, podSpec, newSeq('volumes', [volLines], l));
  const strategy = recreate(src, obj, l);
  return bundle(src, `Mount a PersistentVolumeClaim "${claim}" at ${dir} (${DEFAULT_STORAGE}; needs a storage class)${strategy.note}`,
    [mountEdit, volEdit, ...strategy.edits, claimDocument(model, obj, claim, l)]);
}
