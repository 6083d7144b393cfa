/**
 * What the resources rules read from Kubernetes containers and Compose services: declared limits and
 * requests, LimitRange defaults of the project (the file, its folder, its kustomization), and the edits that add a `resources:` skeleton
 * (not a rule: index.ts lists the rules).
 */
import type { Fix, TextEdit } from '../../engine/rule';
import type { ComposeService } from '../../model/compose';
import type { KubeObject, KubernetesModel } from '../../model/kubernetes';
import type { Range, SourceText } from '../../model/range';
import type { YEntry, YView } from '../../parse/yaml-view';
import { limitForHeap } from '../../knowledge/quantities';
import { ContainerView, isPartialPodSpec, podsOf, PodView, strings } from '../host-daemon/shared';
import { appendToMap, keyColumn, nestedStep } from '../backing-services/yaml-edit';

export type ResourceName = 'cpu' | 'memory' | 'ephemeral-storage';

export interface ContainerResources {
  resources?: YEntry;
  limits?: YEntry;
  requests?: YEntry;
  limit(name: ResourceName): YEntry | undefined;
  request(name: ResourceName): YEntry | undefined;
}

export function resourcesOf(c: YView): ContainerResources {
  const resources = c.entry('resources');
  const limits = resources?.value.entry('limits');
  const requests = resources?.value.entry('requests');
  return {
    resources, limits, requests,
    limit: (n) => limits?.value.entry(n),
    request: (n) => requests?.value.entry(n),
  };
}

/** Defaults a LimitRange of type Container gives: `default` (limits) and `defaultRequest`. */
export interface LimitRangeDefaults { limits: Set<ResourceName>; requests: Set<ResourceName> }

/**
 * Defaults of the LimitRanges among `objects` (the manifest's project: workspace/project.ts) that apply
 * to a namespace. A LimitRange without a namespace applies where it is applied, as does a workload
 * without one: those two match each other.
 */
export function limitRangeDefaults(objects: readonly KubeObject[], namespace: string | undefined): LimitRangeDefaults {
  const out: LimitRangeDefaults = { limits: new Set(), requests: new Set() };
  for (const o of objects) {
    if (o.kind !== 'LimitRange' || (o.namespace ?? '') !== (namespace ?? '')) continue;
    for (const item of o.raw.get('spec')?.get('limits')?.items() ?? []) {
      if ((item.get('type')?.str()?.value ?? 'Container') !== 'Container') continue;
      for (const e of item.get('default')?.entries() ?? []) { out.limits.add(e.key as ResourceName); out.requests.add(e.key as ResourceName); }
      for (const e of item.get('defaultRequest')?.entries() ?? []) out.requests.add(e.key as ResourceName);
    }
  }
  return out;
}

export interface JudgedContainer { pod: PodView; container: ContainerView; res: ContainerResources; defaults: LimitRangeDefaults }

/**
 * Containers whose resources are judged: regular containers and native sidecars (init containers with
 * `restartPolicy: Always`) of pods that are not templated; one-off init containers run alone, before
 * the app, and do not add to the pod's steady-state footprint.
 */
export function judgedContainers(model: KubernetesModel, project: readonly KubeObject[] = model.objects): JudgedContainer[] {
  const out: JudgedContainer[] = [];
  for (const pod of podsOf(model)) {
    if (pod.obj.templated || isPartialPodSpec(pod.spec)) continue;
    const defaults = limitRangeDefaults(project, pod.obj.namespace);
    for (const c of pod.containers) {
      if (c.init && c.raw.get('restartPolicy')?.str()?.value !== 'Always') continue;
      out.push({ pod, container: c, res: resourcesOf(c.raw), defaults });
    }
  }
  return out;
}

export function describeWorkload(obj: KubeObject): string {
  return `${obj.kind} "${obj.name ?? ''}"`;
}

/** Where a "missing" finding goes: the block that should hold the key, else the container's name. */
export function missingAnchor(jc: JudgedContainer, block: 'limits' | 'requests'): Range {
  return jc.res[block]?.keyRange ?? jc.res.resources?.keyRange ?? jc.container.nameRange;
}

/** The indentation step the file uses inside a container (children of a nested map), else the file's. */
function stepIn(src: SourceText, c: YView): number {
  return nestedStep(src, c);
}

/** The default limit, raised when the container's env or command fixes a heap that would not fit in it. */
function heapAwareLimit(c: YView): string {
  const texts = [...(c.get('env')?.items() ?? []).map((e) => e.get('value')?.str()?.value ?? ''), ...strings(c.get('command')), ...strings(c.get('args'))]
    .map((t) => (typeof t === 'string' ? t : t.value));
  const mib = limitForHeap(texts, 512 * 2 ** 20) / 2 ** 20;
  return mib === 512 ? DEFAULT_MEMORY_LIMIT : `${mib}Mi`;
}

export const DEFAULT_CPU_REQUEST = '100m';
export const DEFAULT_MEMORY_REQUEST = '256Mi';
export const DEFAULT_MEMORY_LIMIT = '512Mi';

/**
 * Adds the missing `resources` keys to a container: the whole skeleton when `resources:` is absent,
 * else the missing `requests`/`limits` block or keys. Values follow the container's own settings
 * (a memory limit never below its request). Undefined when the YAML is not plain block style.
 */
export function addResourcesEdit(src: SourceText, jc: JudgedContainer, want: { limits: ResourceName[]; requests: ResourceName[] }): TextEdit | undefined {
  const step = ' '.repeat(stepIn(src, jc.container.raw));
  const { res } = jc;
  const value = (block: 'limits' | 'requests', n: ResourceName): string => {
    if (n === 'cpu') return DEFAULT_CPU_REQUEST;
    if (n === 'ephemeral-storage') return '1Gi';
    if (block === 'limits') return res.request('memory')?.value.str()?.value ?? heapAwareLimit(jc.container.raw);
    return DEFAULT_MEMORY_REQUEST;
  };
  const keys = (block: 'limits' | 'requests') => want[block].filter((n) => !(block === 'limits' ? res.limit(n) : res.request(n)));
  const blockLines = (block: 'limits' | 'requests', prefix: string): string[] => {
    const k = keys(block);
    return k.length ? [`${prefix}${block}:`, ...k.map((n) => `${prefix}${step}${n}: ${value(block, n)}`)] : [];
  };
  if (!res.resources) {
    const lines = [...blockLines('requests', step), ...blockLines('limits', step)];
    return lines.length ? appendToMap(src, jc.container.raw, ['resources:', ...lines]) : undefined;
  }
  const rv = res.resources.value;
  if (!rv.isMap || keyColumn(src, rv) === undefined) return undefined;
  const edits: string[] = [];
  for (const block of ['requests', 'limits'] as const) {
    const entry = res[block];
    if (!entry) { edits.push(...blockLines(block, '')); continue; }
    if (keys(block).length) {
      // Keys go into an existing block; only one edit per fix, so one block at a time.
      if (!entry.value.isMap || keyColumn(src, entry.value) === undefined) return undefined;
      return appendToMap(src, entry.value, keys(block).map((n) => `${n}: ${value(block, n)}`));
    }
  }
  return edits.length ? appendToMap(src, rv, edits) : undefined;
}

export function resourcesFix(src: SourceText, jc: JudgedContainer, want: { limits: ResourceName[]; requests: ResourceName[] }, title: string): Fix | undefined {
  const edit = addResourcesEdit(src, jc, want);
  return edit && { title, safety: 'unsafe', edits: [edit] };
}

// ---------------------------------------------------------------- Compose

export interface ComposeLimit { entry: YEntry; source: string }

/** The service's memory limit: `mem_limit`, or `deploy.resources.limits.memory`. */
export function composeMemoryLimit(s: ComposeService): ComposeLimit | undefined {
  const legacy = s.raw.entry('mem_limit');
  if (legacy) return { entry: legacy, source: 'mem_limit' };
  const deploy = s.raw.get('deploy')?.get('resources')?.get('limits')?.entry('memory');
  return deploy && { entry: deploy, source: 'deploy.resources.limits.memory' };
}

/** A process limit (`pids_limit` or `deploy.resources.limits.pids`); `-1`/`0` count as an explicit choice. */
export function composePidsLimit(s: ComposeService): boolean {
  return s.raw.has('pids_limit') || !!s.raw.get('deploy')?.get('resources')?.get('limits')?.has('pids');
}
