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

export interface KubeWorkload {
  podSpec: PodSpec;
  replicas?: Located<number>;
  /** StatefulSet `volumeClaimTemplates` names. */
  volumeClaimTemplates: { name: string; range: Range }[];
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
  /** Workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController). */
  workload?: KubeWorkload;
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
