import type { KubeObject } from '../model/kubernetes';

/**
 * What a kustomization.yaml says about the files beside it: which are patches (partial objects that
 * kustomize merges into a resource, not objects of their own) and which folders or files are its resources.
 */
const isLocal = (p: string) => !!p && !/^[a-z][a-z0-9+.-]*:\/\//i.test(p) && !/^(?:github\.com|gitlab\.com|bitbucket\.org)\//.test(p) && !p.includes('?ref=');

export function kustomizePatchFiles(k: KubeObject): string[] {
  const out: string[] = [];
  for (const key of ['patches', 'patchesJson6902']) for (const p of k.raw.get(key)?.items() ?? []) { const path = p.get('path')?.str()?.value; if (path && isLocal(path)) out.push(path); }
  for (const p of k.raw.get('patchesStrategicMerge')?.items() ?? []) { const path = p.str()?.value; if (path && isLocal(path) && !path.includes('\n')) out.push(path); }
  return out;
}

export function kustomizeResources(k: KubeObject): string[] {
  const out: string[] = [];
  for (const key of ['resources', 'bases', 'components']) for (const r of k.raw.get(key)?.items() ?? []) { const p = r.str()?.value; if (p && isLocal(p)) out.push(p); }
  return out;
}
