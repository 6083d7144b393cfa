import * as path from 'path';
import type { AnalysisResult } from '../engine/analyze';
import type { Model } from '../engine/rule';
import type { FileKind } from '../model/common';
import type { ComposeModel, ComposeService } from '../model/compose';
import type { KubeObject, KubernetesModel } from '../model/kubernetes';
import type { Range } from '../model/range';
import type { YView } from '../parse/yaml-view';
import { endsWithGitRef } from '../knowledge/text';

/** Something that runs in production: a Compose service, a Kubernetes workload, or an image built on its own. */
export interface Unit { file: string; name: string; type: 'compose-service' | 'workload' | 'image' }

export type LinkType = 'build' | 'env_file' | 'extends' | 'include' | 'secret' | 'configmap' | 'image';

/** A cross-file fact: `from` (a unit in a file) uses `to` (a file, or an object in it). */
export interface Link { from: string; fromUnit?: string; to: string; toObject?: string; type: LinkType; missing: boolean }

export interface WorkspaceLinks {
  units: Unit[];
  links: Link[];
  /** Units that run the image built from this Dockerfile (Compose `build:`, or a manifest image matched to it). */
  usersOf(dockerfile: string): Unit[];
  /** Units something at `range` in `file` reaches: the blast radius of a finding there. */
  affected(file: string, range: Range): Unit[];
}

const WORKLOAD_REF = { secret: 'Secret', configmap: 'ConfigMap' } as const;

function contains(outer: Range, pos: Range['start']): boolean {
  const afterStart = pos.line > outer.start.line || (pos.line === outer.start.line && pos.character >= outer.start.character);
  const beforeEnd = pos.line < outer.end.line || (pos.line === outer.end.line && pos.character <= outer.end.character);
  return afterStart && beforeEnd;
}

function isRemote(context: string): boolean {
  return /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i.test(context) || endsWithGitRef(context);
}

/** The Dockerfile a Compose service builds, if it is a local file. */
export function composeDockerfile(composeFile: string, s: ComposeService, exists: (p: string) => boolean): string | undefined {
  const b = s.build;
  if (!b || b.inline || b.context?.dynamic || b.dockerfile?.dynamic) return undefined;
  const ctx = b.context?.value.trim() || '.';
  if (isRemote(ctx)) return undefined;
  const dir = path.resolve(path.dirname(composeFile), ctx);
  if (b.dockerfile) return path.resolve(dir, b.dockerfile.value);
  return ['Dockerfile', 'Containerfile', 'dockerfile'].map((n) => path.join(dir, n)).find(exists) ?? path.join(dir, 'Dockerfile');
}

function lastSegment(repository: string): string {
  return repository.slice(repository.lastIndexOf('/') + 1).toLowerCase();
}

/** Names a Kubernetes workload reads Secrets / ConfigMaps by (env, envFrom, volumes). */
export function workloadRefs(obj: KubeObject): { type: 'secret' | 'configmap'; name: string; range: Range; optional: boolean }[] {
  const w = obj.workload;
  if (!w) return [];
  const out: { type: 'secret' | 'configmap'; name: string; range: Range; optional: boolean }[] = [];
  const push = (type: 'secret' | 'configmap', v: YView | undefined, nameKey: string) => {
    const n = v?.get(nameKey)?.str();
    if (n && !n.dynamic && n.value.trim()) out.push({ type, name: n.value.trim(), range: n.range, optional: v?.get('optional')?.bool()?.value === true });
  };
  for (const c of [...w.podSpec.initContainers, ...w.podSpec.containers]) {
    for (const e of c.raw.get('env')?.items() ?? []) {
      push('secret', e.get('valueFrom')?.get('secretKeyRef'), 'name');
      push('configmap', e.get('valueFrom')?.get('configMapKeyRef'), 'name');
    }
    for (const e of c.raw.get('envFrom')?.items() ?? []) {
      push('secret', e.get('secretRef'), 'name');
      push('configmap', e.get('configMapRef'), 'name');
    }
  }
  for (const v of w.podSpec.raw.get('volumes')?.items() ?? []) {
    push('secret', v.get('secret'), 'secretName');
    push('configmap', v.get('configMap'), 'name');
    for (const src of v.get('projected')?.get('sources')?.items() ?? []) {
      push('secret', src.get('secret'), 'name');
      push('configmap', src.get('configMap'), 'name');
    }
  }
  return out;
}

/** A Compose service as the links see it. */
export interface ServiceFacts {
  name: string;
  range: Range;
  keyRange: Range;
  /** A local build: the context folder, and the Dockerfile when `dockerfile:` names it. */
  build?: { dir: string; dockerfile?: string };
  /** The static `image:` repository, lower-cased. */
  image?: string;
  envFiles: string[];
  extendsFile?: string;
}

/** A manifest object as the links see it. */
export interface ObjectFacts {
  kind: string;
  name?: string;
  namespace?: string;
  range: Range;
  workload: boolean;
  refs: { type: 'secret' | 'configmap'; name: string }[];
  /** Static container images (init containers first), repositories lower-cased. */
  images: string[];
}

/**
 * What the cross-file links need of one file: a few names, paths and ranges. The workspace index keeps
 * these instead of the parsed model (a model is 20–30× the size of its text).
 */
export interface FileFacts {
  kind: FileKind;
  services: ServiceFacts[];
  /** Compose `include:` paths, resolved. */
  includes: string[];
  objects: ObjectFacts[];
}

/** An analysis as the workspace index keeps it: no model, but the link facts read from it. */
export interface IndexedResult extends AnalysisResult { facts?: FileFacts }

const copyRange = (r: Range): Range => ({ start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } });

/** The link facts of a parsed file. */
export function factsOf(file: string, model: Model): FileFacts {
  const facts: FileFacts = { kind: model.kind, services: [], includes: [], objects: [] };
  const dir = path.dirname(file);
  if (model.kind === 'compose') {
    for (const s of (model as ComposeModel).services) {
      const b = s.build;
      let build: ServiceFacts['build'];
      if (b && !b.inline && !b.context?.dynamic && !b.dockerfile?.dynamic) {
        const ctx = b.context?.value.trim() || '.';
        if (!isRemote(ctx)) {
          const bdir = path.resolve(dir, ctx);
          build = { dir: bdir, dockerfile: b.dockerfile ? path.resolve(bdir, b.dockerfile.value) : undefined };
        }
      }
      const ext = s.raw.get('extends')?.get('file')?.str();
      facts.services.push({
        name: s.name, range: copyRange(s.range), keyRange: copyRange(s.keyRange), build,
        image: s.image && !s.image.dynamic ? s.image.repository.toLowerCase() : undefined,
        envFiles: s.envFiles.filter((f) => !f.dynamic).map((f) => path.resolve(dir, f.value)),
        extendsFile: ext && !ext.dynamic ? path.resolve(dir, ext.value) : undefined,
      });
    }
    for (const inc of (model as ComposeModel).root?.get('include')?.items() ?? []) {
      for (const p of [inc.str(), ...(inc.get('path')?.items() ?? []).map((i) => i.str()), inc.get('path')?.str()]) {
        if (p && !p.dynamic) facts.includes.push(path.resolve(dir, p.value));
      }
    }
  } else if (model.kind === 'kubernetes') {
    for (const obj of (model as KubernetesModel).objects) {
      const images: string[] = [];
      for (const c of obj.workload ? [...obj.workload.podSpec.initContainers, ...obj.workload.podSpec.containers] : []) {
        if (c.image && !c.image.dynamic) images.push(c.image.repository.toLowerCase());
      }
      facts.objects.push({
        kind: obj.kind, name: obj.name, namespace: obj.namespace, range: copyRange(obj.range), workload: !!obj.workload,
        refs: workloadRefs(obj).map((r) => ({ type: r.type, name: r.name })), images,
      });
    }
  }
  return facts;
}

function dockerfileOf(build: ServiceFacts['build'], exists: (p: string) => boolean): string | undefined {
  if (!build) return undefined;
  if (build.dockerfile) return build.dockerfile;
  return ['Dockerfile', 'Containerfile', 'dockerfile'].map((n) => path.join(build.dir, n)).find(exists) ?? path.join(build.dir, 'Dockerfile');
}

/** The workspace's units and links, from each result's model or, for the index's results, its facts. */
export function computeLinks(results: AnalysisResult[], exists: (p: string) => boolean): WorkspaceLinks {
  const factsFor = (r: IndexedResult) => (r.model ? factsOf(r.path, r.model) : r.facts);
  const units: Unit[] = [];
  const links: Link[] = [];
  const factsByPath = new Map<string, FileFacts | undefined>();
  const factsList = results.map((r) => factsFor(r));
  results.forEach((r, i) => { if (!factsByPath.has(r.path)) factsByPath.set(r.path, factsList[i]); });
  const dockerfiles = results.filter((r, i) => factsList[i]?.kind === 'dockerfile').map((r) => r.path);
  const known = new Set(results.map((r) => r.path));
  const users = new Map<string, Unit[]>();
  const use = (df: string, u: Unit) => (users.get(df) ?? users.set(df, []).get(df)!).push(u);
  const composeByImage = new Map<string, string>();
  const composeByName = new Map<string, Set<string>>();
  const objects: { file: string; obj: ObjectFacts }[] = [];
  const unitOf = new Map<string, Unit>();
  const addUnit = (u: Unit) => { units.push(u); const k = `${u.file}\u0000${u.name}`; if (!unitOf.has(k)) unitOf.set(k, u); };

  for (const [i, r] of results.entries()) {
    const m = factsList[i];
    if (m?.kind === 'compose') {
      for (const s of m.services) {
        const unit: Unit = { file: r.path, name: s.name, type: 'compose-service' };
        addUnit(unit);
        const df = dockerfileOf(s.build, exists);
        if (df) {
          links.push({ from: r.path, fromUnit: s.name, to: df, type: 'build', missing: !exists(df) });
          if (known.has(df)) {
            use(df, unit);
            if (s.image !== undefined) composeByImage.set(s.image, df);
            (composeByName.get(s.name.toLowerCase()) ?? composeByName.set(s.name.toLowerCase(), new Set()).get(s.name.toLowerCase())!).add(df);
          }
        }
        for (const to of s.envFiles) links.push({ from: r.path, fromUnit: s.name, to, type: 'env_file', missing: !exists(to) });
        if (s.extendsFile !== undefined) links.push({ from: r.path, fromUnit: s.name, to: s.extendsFile, type: 'extends', missing: !exists(s.extendsFile) });
      }
      for (const to of m.includes) links.push({ from: r.path, to, type: 'include', missing: !exists(to) });
    } else if (m?.kind === 'kubernetes') {
      for (const obj of m.objects) {
        objects.push({ file: r.path, obj });
        if (obj.workload) addUnit({ file: r.path, name: `${obj.kind}/${obj.name ?? '?'}`, type: 'workload' });
      }
    }
  }

  // Secret / ConfigMap references, resolved by name (and namespace when both sides give one).
  const byKindAndName = new Map<string, { file: string; obj: ObjectFacts }[]>();
  for (const o of objects) { const k = `${o.obj.kind}/${o.obj.name}`; (byKindAndName.get(k) ?? byKindAndName.set(k, []).get(k)!).push(o); }
  for (const { file, obj } of objects) {
    for (const ref of obj.refs) {
      const named = byKindAndName.get(`${WORKLOAD_REF[ref.type]}/${ref.name}`) ?? [];
      const target = named.find(({ obj: o }) => !o.namespace || !obj.namespace || o.namespace === obj.namespace);
      links.push({ from: file, fromUnit: `${obj.kind}/${obj.name ?? '?'}`, to: target?.file ?? '', toObject: `${WORKLOAD_REF[ref.type]}/${ref.name}`, type: ref.type, missing: !target });
    }
  }

  // Manifest images → Dockerfiles built here: a Compose service that tags the same image, a Compose
  // service named like the image, or a single Dockerfile whose folder is named like the image.
  const byFolder = new Map<string, string[]>();
  for (const df of dockerfiles) {
    const name = path.basename(path.dirname(df)).toLowerCase();
    (byFolder.get(name) ?? byFolder.set(name, []).get(name)!).push(df);
  }
  for (const { file, obj } of objects) {
    if (!obj.workload) continue;
    const unit = unitOf.get(`${file}\u0000${obj.kind}/${obj.name ?? '?'}`)!;
    const linked = new Set<string>();
    for (const repo of obj.images) {
      const seg = lastSegment(repo);
      const byName = composeByName.get(seg);
      const folder = byFolder.get(seg);
      const df = composeByImage.get(repo) ?? (byName?.size === 1 ? [...byName][0] : undefined) ?? (folder?.length === 1 ? folder[0] : undefined);
      if (df && !linked.has(df)) { linked.add(df); use(df, unit); links.push({ from: file, fromUnit: unit.name, to: df, type: 'image', missing: false }); }
    }
  }

  for (const df of dockerfiles) if (!users.has(df)) units.push({ file: df, name: path.basename(path.dirname(df)) || df, type: 'image' });

  // Indexed once: a report asks for every finding's units, and a scan of thousands of files has thousands of units and links.
  const unitsByFile = new Map<string, Unit[]>();
  for (const u of units) (unitsByFile.get(u.file) ?? unitsByFile.set(u.file, []).get(u.file)!).push(u);
  const unitsOfFile = (file: string) => unitsByFile.get(file) ?? [];
  const referencedBy = (file: string, object: string) => {
    const froms = links.filter((l) => (l.type === 'secret' || l.type === 'configmap') && l.to === file && l.toObject === object);
    return units.filter((u) => froms.some((l) => l.from === u.file && l.fromUnit === u.name));
  };

  return {
    units, links,
    usersOf: (df) => users.get(df) ?? [],
    affected(file, range) {
      const m = factsByPath.get(file);
      if (!m) return [];
      if (m.kind === 'dockerfile') return users.get(file) ?? unitsOfFile(file);
      if (m.kind === 'compose') {
        const s = m.services.find((x) => contains(x.range, range.start) || contains(x.keyRange, range.start));
        const own = unitsOfFile(file).filter((u) => u.type === 'compose-service');
        return s ? own.filter((u) => u.name === s.name) : own;
      }
      const obj = m.objects.find((o) => contains(o.range, range.start));
      if (!obj) return [];
      if (obj.workload) return unitsOfFile(file).filter((u) => u.name === `${obj.kind}/${obj.name ?? '?'}`);
      if (obj.kind === 'Secret' || obj.kind === 'ConfigMap') return referencedBy(file, `${obj.kind}/${obj.name}`);
      return [];
    },
  };
}
