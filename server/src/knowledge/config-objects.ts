import type { KubeObject } from '../model/kubernetes';
import { isDynamicText } from './interpolation';

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
  const str = (v: string | undefined) => (v && !isDynamicText(v) ? v : undefined);
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

/**
 * Whether one of the workload's own init containers writes the Secret or ConfigMap before the app
 * starts (`kubectl create secret generic app-tls …`, `certgen --secret-name app-tls`): its command,
 * arguments or environment name the object and say what kind it is.
 */
export function createdByInitContainer(obj: KubeObject, type: RefType, name: string): boolean {
  const kind = type === 'secret' ? /secret/i : /config-?map/i;
  for (const c of obj.workload?.podSpec.initContainers ?? []) {
    const words = [...c.command, ...c.args].map((l) => l.value);
    for (const e of c.env) if (e.value) words.push(e.value);
    const text = words.join('\n');
    if (kind.test(text) && mentions(text, name)) return true;
  }
  return false;
}

/** `name` occurs in `text` as a whole name (not inside a longer one). */
function mentions(text: string, name: string): boolean {
  const part = (c: string | undefined) => c !== undefined && /[\w.-]/.test(c);
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) if (!part(text[i - 1]) && !part(text[i + name.length])) return true;
  return false;
}

const PRODUCER_KIND = new RegExp(`\\bkind["']?\\s*:\\s*["']?(?:${PRODUCER_KINDS.join('|')})\\b`);

/**
 * Objects that change how a workload in another file of the same project is judged: a
 * PodDisruptionBudget or autoscaler that targets it, a Service that routes to it.
 */
export const PROJECT_KINDS = ['PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ScaledObject', 'Service', 'LimitRange'] as const;
const PROJECT_KIND = new RegExp(`\\bkind["']?\\s*:\\s*["']?(?:${[...PRODUCER_KINDS, ...PROJECT_KINDS].join('|')})\\b`);

/** Whether a manifest's text can hold a config producer (mayDefineConfigObjects) or one of PROJECT_KINDS. */
export function mayDefineProjectObjects(text: string): boolean {
  return PROJECT_KIND.test(text);
}

/**
 * Whether a manifest's text can hold an object that `provides` something: false only when no `kind`
 * key has one of those kinds as its value, in block, flow or JSON style. A scan uses it to skip
 * reading other manifests when all it needs from them is who defines which Secret or ConfigMap.
 */
export function mayDefineConfigObjects(text: string): boolean {
  return PRODUCER_KIND.test(text);
}
