import type { EnvEntry, ImageRef, Located, ParseProblem } from './common';
import type { Range, SourceText } from './range';
import type { YView } from '../parse/yaml-view';

export interface KubeVolumeMount { name: string; mountPath: string; range: Range; readOnly: boolean; subPath?: string }

export interface KubeContainer {
  name: string;
  nameRange: Range;
  range: Range;
  init: boolean;
  image?: ImageRef;
  env: EnvEntry[];
  envFrom: { kind: 'secretRef' | 'configMapRef'; name?: string; range: Range }[];
  command: Located[];
  args: Located[];
  ports: { containerPort?: Located<number>; hostPort?: Located<number>; range: Range }[];
  volumeMounts: KubeVolumeMount[];
  raw: YView;
}

export interface KubeVolume {
  name: string;
  range: Range;
  /** The volume source key: emptyDir, hostPath, persistentVolumeClaim, configMap, secret, ... */
  type: string;
  hostPath?: Located;
  claimName?: Located;
}

export interface PodSpec {
  range: Range;
  containers: KubeContainer[];
  initContainers: KubeContainer[];
  volumes: KubeVolume[];
  raw: YView;
}

/**
 * How a kind runs its pod template: one pod (`Pod`), interchangeable replicas (Deployment, ReplicaSet,
 * ReplicationController, OpenShift DeploymentConfig, Argo Rollout), ordinal replicas with their own claims
 * (StatefulSet), one pod per node (DaemonSet), pods that run to completion (Job, CronJob), or unknown (a
 * pod template of another kind: Knative Service, ...).
 */
export type PodsRun = 'one' | 'replicas' | 'ordinal' | 'per-node' | 'to-completion' | 'unknown';

/** How a new version replaces the running pods. */
export interface RolloutStrategy {
  /** `Recreate` stops every old pod first; `RollingUpdate`, `Canary`, `BlueGreen` overlap; `OnDelete` waits for deletions. */
  type: 'RollingUpdate' | 'Recreate' | 'Canary' | 'BlueGreen' | 'OnDelete' | 'unknown';
  /** The `type:` scalar (Deployment, DeploymentConfig, StatefulSet/DaemonSet `updateStrategy`), or the `canary:`/`blueGreen:` key. */
  typeRange?: Range;
  /** `maxUnavailable` of a rolling or canary update (`rollingUpdate`, DeploymentConfig `rollingParams`, Rollout `canary`). */
  maxUnavailable?: Located;
  /** The strategy mapping as written. */
  raw: YView;
}

/**
 * How an object runs pods: the facts of its kind and what its `spec` sets beside the template. Every
 * workload kind reads the same way here, so rules never list kinds: they ask how the pods run.
 */
export interface PodController {
  pods: PodsRun;
  /** Labels of the pods (`spec.template.metadata.labels`; a Pod's own labels). */
  podLabels: Map<string, string>;
  /** The pod template's `metadata` as written (a Pod's own). */
  podMetadata?: YView;
  /** `spec.replicas` (of the Argo Rollout that runs the template, for a Deployment it references). */
  replicas?: Located<number>;
  /** Absent when the kind has no strategy or the manifest sets none (the kind's default applies). */
  strategy?: RolloutStrategy;
  /** The kind keeps old revisions for `kubectl rollout undo` / `oc rollback` (`revisionHistoryLimit`). */
  keepsRevisions: boolean;
}

/** A pod template with the facts of the kind that runs it. */
export interface KubeWorkload extends PodController {
  podSpec: PodSpec;
  /** StatefulSet `volumeClaimTemplates` names. */
  volumeClaimTemplates: { name: string; range: Range }[];
  /** The Argo Rollout whose `workloadRef` runs this Deployment's template (same file). */
  runBy?: KubeObject;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  kindRange: Range;
  name?: string;
  nameRange?: Range;
  namespace?: string;
  /** The whole document's mapping. */
  range: Range;
  docIndex: number;
  annotations: Map<string, string>;
  labels: Map<string, string>;
  /**
   * The pod template and how it runs: every kind with one (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
   * ReplicationController, Job, CronJob, PodTemplate, OpenShift DeploymentConfig, Argo Rollout, and other kinds
   * with containers at `spec.template.spec`). An Argo Rollout with a `workloadRef` has none: its pods are the
   * referenced Deployment's (whose `runBy` names the Rollout).
   */
  workload?: KubeWorkload;
  /**
   * How the object runs pods, set for every workload kind whether or not the document holds the template
   * (a kustomize patch that only sets `replicas` or `strategy`); the same object as `workload` when it does.
   */
  controller?: PodController;
  /** An Argo Rollout's `spec.workloadRef`: it runs the pod template of that object (`workload` is absent). */
  runsPodsOf?: { kind: string; name: string; range: Range };
  /** The document contains Helm/Go template expressions: absent keys may come from a template. */
  templated: boolean;
  /** A kustomize patch (also `templated`): what it sets is merged into a resource of the same name. */
  patch?: boolean;
  raw: YView;
}

export interface KubernetesModel {
  kind: 'kubernetes';
  uri: string;
  source: SourceText;
  objects: KubeObject[];
  /** The file is a Helm chart template. */
  helm: boolean;
  problems: ParseProblem[];
  /**
   * Compose/kubectl reject the file at a line break only go-yaml sees (a lone CR, NEL, LS or PS), and
   * the model was read from the text as written so nothing in it goes unanalysed. No fix edits it:
   * a position computed on this reading can fall inside what go-yaml reads as another line.
   */
  readAsWritten?: boolean;
}

export function allContainers(w: KubeWorkload): KubeContainer[] {
  return [...w.podSpec.initContainers, ...w.podSpec.containers];
}

/** The pods of the template run to completion (Jobs, CronJobs): long-running concerns do not apply. */
export function runsToCompletion(w: KubeWorkload | undefined): boolean {
  return w?.pods === 'to-completion';
}

/** The pods are meant to keep running and the kind is known (not a Job, not an unknown kind's template). */
export function servesLongRunning(w: KubeWorkload | undefined): w is KubeWorkload {
  return !!w && w.pods !== 'to-completion' && w.pods !== 'unknown';
}
