/**
 * Where each workload kind keeps its pod template and what the kind says about how the pods run.
 * The one table of workload kinds: rules read the facts (`KubeWorkload.pods`, `strategy`, ...), never kind names.
 */
import type { Located } from '../model/common';
import type { KubeObject, PodController, PodsRun, RolloutStrategy } from '../model/kubernetes';
import type { YView } from './yaml-view';
import { parseImageRef } from '../knowledge/image';

interface KindFacts {
  /** Path from the document to the pod template (the mapping holding `metadata` and `spec`). */
  template: string[];
  pods: PodsRun;
  /** Reads the strategy under `spec`; absent for kinds without one. */
  strategy?: (spec: YView) => RolloutStrategy | undefined;
  keepsRevisions: boolean;
}

/** `strategy`/`updateStrategy` with `type` and `rollingUpdate.maxUnavailable` (apps/v1 kinds). */
function appsStrategy(key: 'strategy' | 'updateStrategy') {
  return (spec: YView): RolloutStrategy | undefined => {
    const raw = spec.get(key);
    if (!raw?.isMap) return undefined;
    const t = raw.get('type')?.str();
    const type = !t ? 'RollingUpdate' : t.dynamic ? 'unknown' : t.value === 'Recreate' || t.value === 'OnDelete' || t.value === 'RollingUpdate' ? t.value : 'unknown';
    return { type, typeRange: t?.range, maxUnavailable: raw.get('rollingUpdate')?.get('maxUnavailable')?.str(), raw };
  };
}

/** OpenShift DeploymentConfig: `type: Rolling|Recreate|Custom`, `rollingParams.maxUnavailable`. */
function deploymentConfigStrategy(spec: YView): RolloutStrategy | undefined {
  const raw = spec.get('strategy');
  if (!raw?.isMap) return undefined;
  const t = raw.get('type')?.str();
  const type = !t || t.value === 'Rolling' ? 'RollingUpdate' : t.value === 'Recreate' ? 'Recreate' : 'unknown';
  return { type, typeRange: t?.range, maxUnavailable: raw.get('rollingParams')?.get('maxUnavailable')?.str(), raw };
}

/** Argo Rollouts: `canary:` (with its own `maxUnavailable`) or `blueGreen:`; both start new pods before old ones go. */
function argoStrategy(spec: YView): RolloutStrategy | undefined {
  const raw = spec.get('strategy');
  if (!raw?.isMap) return undefined;
  const canary = raw.entry('canary'), blue = raw.entry('blueGreen');
  if (canary) return { type: 'Canary', typeRange: canary.keyRange, maxUnavailable: canary.value.get('maxUnavailable')?.str(), raw };
  if (blue) return { type: 'BlueGreen', typeRange: blue.keyRange, raw };
  return { type: 'unknown', raw };
}

const TEMPLATE = ['spec', 'template'];

const KINDS: Record<string, KindFacts> = {
  Pod: { template: [], pods: 'one', keepsRevisions: false },
  Deployment: { template: TEMPLATE, pods: 'replicas', strategy: appsStrategy('strategy'), keepsRevisions: true },
  StatefulSet: { template: TEMPLATE, pods: 'ordinal', strategy: appsStrategy('updateStrategy'), keepsRevisions: true },
  DaemonSet: { template: TEMPLATE, pods: 'per-node', strategy: appsStrategy('updateStrategy'), keepsRevisions: true },
  ReplicaSet: { template: TEMPLATE, pods: 'replicas', keepsRevisions: false },
  ReplicationController: { template: TEMPLATE, pods: 'replicas', keepsRevisions: false },
  Job: { template: TEMPLATE, pods: 'to-completion', keepsRevisions: false },
  CronJob: { template: ['spec', 'jobTemplate', 'spec', 'template'], pods: 'to-completion', keepsRevisions: false },
  PodTemplate: { template: ['template'], pods: 'unknown', keepsRevisions: false },
  DeploymentConfig: { template: TEMPLATE, pods: 'replicas', strategy: deploymentConfigStrategy, keepsRevisions: true },
};

const ARGO_ROLLOUT: KindFacts = { template: TEMPLATE, pods: 'replicas', strategy: argoStrategy, keepsRevisions: true };
/** A pod template of a kind not listed (Knative Service/Configuration, ...): read when it has containers. */
const OTHER: KindFacts = { template: TEMPLATE, pods: 'unknown', keepsRevisions: false };

export interface KindReading {
  controller: PodController;
  /** The pod template mapping (`metadata` + `spec`; the document itself for a Pod), when the document has one. */
  template?: YView;
  podSpec?: YView;
}

function stringMap(v: YView | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of v?.entries() ?? []) m.set(e.key, e.value.str()?.value ?? '');
  return m;
}

/** How a document runs pods, with its pod template; undefined when it is no workload. */
export function readKind(doc: YView, kind: string, apiVersion: string): KindReading | undefined {
  const known = kind === 'Rollout' && apiVersion.startsWith('argoproj.io/') ? ARGO_ROLLOUT : KINDS[kind];
  const facts = known ?? OTHER;
  let template: YView | undefined = doc;
  for (const k of facts.template) template = template?.get(k);
  let podSpec = template?.get('spec');
  if (!podSpec?.isMap) podSpec = undefined;
  // Another kind's `spec.template.spec` is a pod template only when it holds containers (Knative Service, ...).
  if (!known && !podSpec?.get('containers')?.isSeq) return undefined;
  const spec = doc.get('spec');
  const replicas = facts.pods === 'replicas' || facts.pods === 'ordinal' || facts.pods === 'unknown' ? spec?.get('replicas')?.num() : undefined;
  const podMetadata = template?.get('metadata');
  const controller: PodController = { pods: facts.pods, podLabels: stringMap(podMetadata?.get('labels')), podMetadata, replicas, strategy: spec && facts.strategy?.(spec), keepsRevisions: facts.keepsRevisions };
  return podSpec ? { controller, template, podSpec } : { controller };
}

/** The strategy an object's kind reads under `spec`. */
export function strategyOf(doc: YView, kind: string, apiVersion: string): RolloutStrategy | undefined {
  const facts = kind === 'Rollout' && apiVersion.startsWith('argoproj.io/') ? ARGO_ROLLOUT : KINDS[kind];
  const spec = doc.get('spec');
  return spec && facts?.strategy?.(spec);
}

/**
 * An Argo Rollout with `spec.workloadRef` runs the pod template of the object it references (a Deployment
 * the Rollout scales down): that object's pods get the Rollout's replicas and strategy.
 */
export function linkWorkloadRefs(objects: KubeObject[]): void {
  for (const rollout of objects) {
    if (rollout.kind !== 'Rollout' || !rollout.apiVersion.startsWith('argoproj.io/')) continue;
    const ref = rollout.raw.get('spec')?.get('workloadRef');
    const name = ref?.get('name')?.str()?.value, kind = ref?.get('kind')?.str()?.value ?? 'Deployment';
    if (ref && name) rollout.runsPodsOf = { kind, name, range: ref.range };
    const target = name ? objects.find((o) => o.kind === kind && o.name === name && o.workload) : undefined;
    if (!target?.workload || target.workload.runBy) continue;
    const replicas: Located<number> | undefined = rollout.raw.get('spec')?.get('replicas')?.num();
    target.workload.runBy = rollout;
    target.workload.pods = 'replicas';
    target.workload.replicas = replicas;
    target.workload.strategy = strategyOf(rollout.raw, rollout.kind, rollout.apiVersion);
    target.workload.keepsRevisions = true;
  }
}

/**
 * OpenShift DeploymentConfig `ImageChange` triggers: the containers they name run the image the trigger's
 * ImageStreamTag resolves to when it fires, and the `image:` written beside them is a placeholder
 * (`image: postgresql`, `image: " "`). Their image is then the tag's reference, read as dynamic: known
 * only in the cluster.
 */
export function applyImageTriggers(obj: KubeObject): void {
  const w = obj.workload;
  if (!w || obj.kind !== 'DeploymentConfig') return;
  for (const t of obj.raw.get('spec')?.get('triggers')?.items() ?? []) {
    const params = t.get('imageChangeParams');
    const from = params?.get('from')?.get('name')?.str();
    if (t.get('type')?.str()?.value !== 'ImageChange' || !from) continue;
    const names = new Set((params?.get('containerNames')?.items() ?? []).map((n) => n.str()?.value));
    for (const c of [...w.podSpec.initContainers, ...w.podSpec.containers]) {
      if (names.has(c.name)) c.image = { ...parseImageRef(from.value, from.range, true), dynamic: true };
    }
  }
}
