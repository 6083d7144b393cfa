import * as path from 'path';
import type { RuleContext } from '../engine/rule';
import type { KubeObject, KubernetesModel } from '../model/kubernetes';
import { kustomizeResources } from '../knowledge/kustomize';

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml'];

/** The folder's kustomization.yaml, if any, read through the rule's host (which records the dependency). */
export function folderKustomization(ctx: Pick<RuleContext, 'fileExists' | 'modelOf'>): KubeObject | undefined {
  for (const name of KUSTOMIZATION_NAMES) {
    if (!ctx.fileExists(name)) continue;
    const m = ctx.modelOf(name, 'kubernetes') as KubernetesModel | undefined;
    const k = m?.objects.find((o) => o.kind === 'Kustomization' || o.kind === 'Component');
    if (k) return k;
  }
  return undefined;
}

const PROJECT = new WeakMap<KubernetesModel, KubeObject[]>();

/**
 * The objects a manifest's workloads are judged with: the file's own, then those of the other manifests
 * of its folder (and subfolders), and of the resources its folder's kustomization.yaml lists. Objects
 * from other files are for kinds, names, selectors and specs, not positions (see workspace/catalogue.ts).
 * Hosts without a catalogue give the file's own objects.
 */
export function projectObjects(model: KubernetesModel, ctx: RuleContext): KubeObject[] {
  let objects = PROJECT.get(model);
  if (objects) return objects;
  objects = [...model.objects];
  const file = path.basename(ctx.path);
  const folder = ctx.modelOf('.', 'kubernetes') as KubernetesModel | undefined;
  // The folder's catalogue also holds this file's objects: only the others are added.
  if (folder) objects.push(...folder.objects.filter((o) => !model.objects.some((m) => m.kind === o.kind && m.name === o.name && m.docIndex === o.docIndex)));
  objects.push(...resourceObjects(ctx, '.', new Set([file]), 0));
  PROJECT.set(model, objects);
  return objects;
}

/** The objects of the resources a folder's kustomization lists, following kustomizations of folders it lists (bounded). */
function resourceObjects(ctx: RuleContext, dir: string, skip: Set<string>, depth: number): KubeObject[] {
  if (depth > 4) return [];
  const k = folderKustomization({ fileExists: (p) => ctx.fileExists(path.join(dir, p)), modelOf: (p, kind) => ctx.modelOf(path.join(dir, p), kind) });
  const out: KubeObject[] = [];
  for (const r of k ? kustomizeResources(k) : []) {
    const rel = path.join(dir, r);
    if (r === '.' || (depth === 0 && skip.has(r))) continue;
    if (KUSTOMIZATION_NAMES.some((n) => ctx.fileExists(path.join(rel, n)))) { out.push(...resourceObjects(ctx, rel, skip, depth + 1)); continue; }
    if (!/\.(?:ya?ml|json)$/i.test(r)) continue;
    const m = ctx.modelOf(rel, 'kubernetes') as KubernetesModel | undefined;
    if (m) out.push(...m.objects);
  }
  return out;
}
