import { defineRule } from '../../engine/rule';
import type { KubeObject } from '../../model/kubernetes';
import { projectObjects } from '../../workspace/project';


function selects(pdb: KubeObject, labels: Map<string, string>): boolean {
  const sel = pdb.raw.get('spec')?.get('selector')?.get('matchLabels');
  const entries = sel?.entries() ?? [];
  return entries.length > 0 && entries.every((e) => labels.get(e.key) === e.value.str()?.value);
}

export default defineRule({
  id: 'missing-disruption-budget',
  title: 'Multi-replica workload without a PodDisruptionBudget',
  category: 'versioning',
  principle: 'rollout',
  severity: 'info',
  set: 'strict',
  fix: 'none',
  crossDocument: ['PodDisruptionBudget'],
  peers: { kubeLinter: ['no-pod-disruption-budget'], kubeScore: ['deployment-has-poddisruptionbudget', 'statefulset-has-poddisruptionbudget'], polaris: ['missingPodDisruptionBudget'] },
  docs: {
    why: 'Node drains during cluster upgrades and autoscaling evict pods without regard for your service: without a PodDisruptionBudget, all replicas of a Deployment may be evicted together and the service goes down during routine maintenance.',
    bad: { lang: 'yaml', code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 3\n  template:\n    metadata:\n      labels: {app: api}' },
    good: { lang: 'yaml', code: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: api}\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels: {app: api}' },
    notes: 'Checks workloads with a replica count: Deployments, StatefulSets, ReplicaSets, ReplicationControllers, OpenShift DeploymentConfigs and Argo Rollouts (a Deployment run through a Rollout\'s `workloadRef` counts the Rollout\'s replicas). DaemonSets (one pod per node; a drain evicts one), Jobs and CronJobs (they run to completion) and bare Pods are not. Looks for a PodDisruptionBudget whose `matchLabels` select the workload\'s pod labels in the same file, the other manifests of its folder (and subfolders) and the resources its folder\'s kustomization.yaml lists; budgets applied from elsewhere are not seen, so the finding is info. A kustomize patch (a file a kustomization lists under `patches`) that sets `replicas` is judged with its overlay\'s project. Rule set: strict. The budget is often defined by the platform or in another repository (docs/precision.md).',
  },
  check: {
    kubernetes(model, ctx) {
      const project = projectObjects(model, ctx);
      const pdbs = project.filter((o) => o.kind === 'PodDisruptionBudget');
      for (const obj of model.objects) {
        // A kustomize patch that sets the replica count is judged: the merged workload runs that many.
        // Replicas a drain can evict together: interchangeable or ordinal ones (a DaemonSet's pods are per node).
        // A Deployment an Argo Rollout runs through its workloadRef is judged as that Rollout.
        const pods = obj.controller?.pods;
        if ((pods !== 'replicas' && pods !== 'ordinal') || obj.workload?.runBy || (obj.templated && !obj.patch)) continue;
        const replicas = obj.controller?.replicas;
        if (!replicas || replicas.dynamic || replicas.value < 2) continue;
        // A patch's pod labels are those of the resource it patches.
        const base = obj.patch ? project.find((o) => o.kind === obj.kind && o.name === obj.name && !o.patch && o !== obj) : undefined;
        // Without the patched resource its pod labels are unknown: any budget of the project may be its own.
        if (obj.patch && !base && pdbs.length) continue;
        const runs = obj.runsPodsOf && model.objects.find((o) => o.workload?.runBy === obj);
        const labels = (base ?? runs ?? obj).controller?.podLabels ?? new Map<string, string>();
        if (pdbs.some((p) => selects(p, labels))) continue;
        ctx.report({ range: replicas.range, message: `${obj.kind} "${obj.name ?? ''}" runs ${replicas.value} replicas but no PodDisruptionBudget in this folder protects them: a node drain can evict them all at once.` });
      }
    },
  },
});
