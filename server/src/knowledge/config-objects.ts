import type { KubeObject } from '../model/kubernetes';

/**
 * Kubernetes objects that define a Secret or a ConfigMap by name: the objects themselves and what
 * produces them (Sealed Secrets, External Secrets, cert-manager, the CSI secrets store, kustomize
 * generators).
 */
export type RefType = 'secret' | 'configmap';

const PRODUCER_KINDS = ['Secret', 'ConfigMap', 'SealedSecret', 'ExternalSecret', 'Certificate', 'SecretProviderClass', 'Kustomization'] as const;

/** The Secrets and ConfigMaps an object defines (name undefined: set by a template or variable). */
export function provides(obj: KubeObject): { type: RefType; name?: string }[] {
  // Only some kinds need the document (a catalogue decodes it when first read).
  const spec = () => obj.raw.get('spec');
  const str = (v: string | undefined) => (v && !v.includes('\uE000') ? v : undefined);
  switch (obj.kind as (typeof PRODUCER_KINDS)[number]) {
    case 'Secret': return [{ type: 'secret', name: str(obj.name) }];
    case 'ConfigMap': return [{ type: 'configmap', name: str(obj.name) }];
    case 'SealedSecret': return [{ type: 'secret', name: str(spec()?.get('template')?.get('metadata')?.get('name')?.str()?.value ?? obj.name) }];
    case 'ExternalSecret': return [{ type: 'secret', name: str(spec()?.get('target')?.get('name')?.str()?.value ?? obj.name) }];
    case 'Certificate': return [{ type: 'secret', name: str(spec()?.get('secretName')?.str()?.value) }];
    case 'SecretProviderClass': return (spec()?.get('secretObjects')?.items() ?? []).map((s) => ({ type: 'secret' as const, name: str(s.get('secretName')?.str()?.value) }));
    case 'Kustomization': return [
      ...(obj.raw.get('secretGenerator')?.items() ?? []).map((g) => ({ type: 'secret' as const, name: str(g.get('name')?.str()?.value) })),
      ...(obj.raw.get('configMapGenerator')?.items() ?? []).map((g) => ({ type: 'configmap' as const, name: str(g.get('name')?.str()?.value) })),
    ];
    default: return [];
  }
}

const PRODUCER_KIND = new RegExp(`\\bkind["']?\\s*:\\s*["']?(?:${PRODUCER_KINDS.join('|')})\\b`);

/**
 * Whether a manifest's text can hold an object that `provides` something: false only when no `kind`
 * key has one of those kinds as its value, in block, flow or JSON style. A scan uses it to skip
 * reading other manifests when all it needs from them is who defines which Secret or ConfigMap.
 */
export function mayDefineConfigObjects(text: string): boolean {
  return PRODUCER_KIND.test(text);
}
