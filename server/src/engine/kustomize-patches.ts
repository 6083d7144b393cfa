import * as nodePath from 'path';
import type { KubernetesModel } from '../model/kubernetes';
import { kustomizePatchFiles } from '../knowledge/kustomize';
import type { AnalyzeHost } from './analyze';

/**
 * A file its folder's kustomization.yaml lists under `patches` holds partial objects that kustomize
 * merges into a resource: what it leaves out comes from the resource, as in a template. Its objects
 * are marked `templated`, so rules that judge an absence leave them alone; what it sets is still judged.
 */
export function markKustomizePatches(model: KubernetesModel, path: string, host: AnalyzeHost): void {
  if (!model.objects.length || !host.modelOf) return;
  const dir = nodePath.dirname(nodePath.resolve(path));
  for (const name of ['kustomization.yaml', 'kustomization.yml']) {
    const abs = nodePath.join(dir, name);
    if (abs === nodePath.resolve(path) || !safe(() => host.fileExists(abs))) continue;
    const k = (safe(() => host.modelOf!(abs, 'kubernetes')) as KubernetesModel | undefined)?.objects.find((o) => o.kind === 'Kustomization' || o.kind === 'Component');
    if (!k) continue;
    if (kustomizePatchFiles(k).some((p) => nodePath.resolve(dir, p) === nodePath.resolve(path))) for (const o of model.objects) { o.templated = true; o.patch = true; }
    return;
  }
}

function safe<T>(fn: () => T): T | undefined {
  try { return fn(); } catch { return undefined; }
}
