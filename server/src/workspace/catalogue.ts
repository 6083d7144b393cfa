import * as path from 'path';
import type { KubeObject, KubernetesModel } from '../model/kubernetes';
import { SourceText } from '../model/range';

/**
 * Rules see other files only through `ctx.modelOf(path, kind)`. Asking for the Kubernetes model of a
 * *folder* returns every manifest object the workspace index holds under it, merged into one model
 * (each object's ranges stay those of its own file: use it for names, not for positions). Hosts without
 * an index (plain CLI `check`, a single file) return undefined, and rules fall back to the current file.
 */
export function catalogueQuery(filePath: string): string {
  return path.parse(path.resolve(filePath)).root;
}

export function mergeObjects(folder: string, models: KubernetesModel[]): KubernetesModel {
  const objects: KubeObject[] = [];
  for (const m of models) objects.push(...m.objects);
  return { kind: 'kubernetes', uri: folder, source: new SourceText(''), objects, helm: false, problems: [] };
}
