/**
 * How many copies of a service or workload run, as far as the file says (not a rule: index.ts lists
 * the rules). Shared by the scaling rules and the in-memory session check.
 */
import type { Located } from '../../model/common';
import type { ComposeService } from '../../model/compose';
import type { KubeObject, KubernetesModel } from '../../model/kubernetes';
import type { RuleContext } from '../../engine/rule';
import { projectObjects } from '../../workspace/project';

/** Literal `deploy.replicas`, or the legacy `scale:` key. */
export function composeReplicas(s: ComposeService): Located<number> | undefined {
  const r = s.raw.get('deploy')?.get('replicas')?.num() ?? s.raw.get('scale')?.num();
  return r && !r.dynamic ? r : undefined;
}

export interface Autoscaler { obj: KubeObject; minReplicas?: number; maxReplicas?: number }

/**
 * Autoscalers of the project (the file, its folder, its kustomization's resources: workspace/project.ts)
 * by the workload they scale (`Kind/name`): HorizontalPodAutoscalers and KEDA ScaledObjects (whose
 * target kind defaults to Deployment).
 */
export function autoscalers(model: KubernetesModel, ctx: RuleContext): Map<string, Autoscaler> {
  const out = new Map<string, Autoscaler>();
  for (const o of projectObjects(model, ctx)) {
    if (o.kind !== 'HorizontalPodAutoscaler' && o.kind !== 'ScaledObject') continue;
    const spec = o.raw.get('spec');
    const ref = spec?.get('scaleTargetRef');
    const name = ref?.get('name')?.str()?.value;
    if (!name || o.templated) continue;
    const kind = ref?.get('kind')?.str()?.value ?? 'Deployment';
    const min = (spec?.get('minReplicas') ?? spec?.get('minReplicaCount'))?.num()?.value;
    const max = (spec?.get('maxReplicas') ?? spec?.get('maxReplicaCount'))?.num()?.value;
    if (!out.has(`${kind}/${name}`)) out.set(`${kind}/${name}`, { obj: o, minReplicas: min, maxReplicas: max });
  }
  return out;
}

/**
 * The fewest pods a Deployment runs: `spec.replicas` (1 when absent), or an autoscaler's
 * `minReplicas` (an HPA owns the count once it targets the workload).
 */
export function minimumReplicas(obj: KubeObject, scaled: Map<string, Autoscaler>): number {
  const hpa = obj.name ? scaled.get(`${obj.kind}/${obj.name}`) : undefined;
  if (hpa?.minReplicas !== undefined) return hpa.minReplicas;
  return obj.controller?.replicas?.value ?? 1;
}

/** The replica count of a workload as written (an Argo Rollout's for the Deployment its workloadRef runs). */
export function kubeReplicas(obj: KubeObject): Located<number> | undefined {
  const r = obj.workload?.replicas;
  return r && !r.dynamic ? r : undefined;
}

/** Registries of public images: what runs from them is someone else's appliance, not the project's app. */
const PUBLIC_REGISTRIES = /^(?:(?:index\.|registry-1\.)?docker\.io|ghcr\.io|quay\.io|(?:[a-z0-9-]+\.)?gcr\.io|mcr\.microsoft\.com|registry\.k8s\.io|public\.ecr\.aws|docker\.elastic\.co|registry\.gitlab\.com|lscr\.io|cgr\.dev|nvcr\.io)$/i;

/**
 * The project's own application: built from source here, or pulled from a private registry (also one
 * named by a variable). Public images (pihole, grafana, wireguard, plex, ...) are appliances that are
 * run as one instance, not scaled out.
 */
export function isOwnApp(s: ComposeService): boolean {
  if (s.build) return true;
  const img = s.image;
  if (!img) return false;
  const host = img.raw.includes('/') ? img.raw.slice(0, img.raw.indexOf('/')) : '';
  if (/[$\uE000]/.test(host)) return true;
  return !!img.registry && !PUBLIC_REGISTRIES.test(img.registry);
}
