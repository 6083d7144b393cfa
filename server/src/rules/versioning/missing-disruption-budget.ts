import { defineRule } from '../../engine/rule';
import type { KubeObject } from '../../model/kubernetes';

function labelsOf(obj: KubeObject): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of obj.raw.get('spec')?.get('template')?.get('metadata')?.get('labels')?.entries() ?? []) m.set(e.key, e.value.str()?.value ?? '');
  return m;
}

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
  peers: { kubeLinter: ['no-pod-disruption-budget'], kubeScore: ['deployment-has-poddisruptionbudget', 'statefulset-has-poddisruptionbudget'], polaris: ['missingPodDisruptionBudget'] },
  docs: {
    why: 'Node drains during cluster upgrades and autoscaling evict pods without regard for your service: without a PodDisruptionBudget, all replicas of a Deployment may be evicted together and the service goes down during routine maintenance.',
    bad: { lang: 'yaml', code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 3\n  template:\n    metadata:\n      labels: {app: api}' },
    good: { lang: 'yaml', code: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: api}\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels: {app: api}' },
    notes: 'Looks for a PodDisruptionBudget in the same file whose `matchLabels` select the workload\'s pod labels; budgets kept in other files are not seen yet, so the finding is info. Rule set: strict. The budget is often defined in another file or by the platform; the rule only sees the one file (docs/precision.md).',
  },
  check: {
    kubernetes(model, ctx) {
      const pdbs = model.objects.filter((o) => o.kind === 'PodDisruptionBudget');
      for (const obj of model.objects) {
        if ((obj.kind !== 'Deployment' && obj.kind !== 'StatefulSet') || obj.templated) continue;
        const replicas = obj.raw.get('spec')?.get('replicas')?.num();
        if (!replicas || replicas.dynamic || replicas.value < 2) continue;
        const labels = labelsOf(obj);
        if (pdbs.some((p) => selects(p, labels))) continue;
        ctx.report({ range: replicas.range, message: `${obj.kind} "${obj.name ?? ''}" runs ${replicas.value} replicas but no PodDisruptionBudget in this file protects them: a node drain can evict them all at once.` });
      }
    },
  },
});
