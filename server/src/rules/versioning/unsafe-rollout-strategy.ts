import { defineRule } from '../../engine/rule';
import { autoscalers, minimumReplicas } from '../scaling/replicas';

export default defineRule({
  id: 'unsafe-rollout-strategy',
  title: 'Rollout takes every replica down at once',
  category: 'versioning',
  principle: 'rollout',
  severity: 'warning',
  set: 'strict',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A Deployment with `strategy.type: Recreate`, or a rolling update whose `maxUnavailable` is 100 % (or the full replica count), stops every pod before the new version is ready: each release is an outage, and a broken release leaves nothing running to roll back to.',
    bad: { lang: 'yaml', code: 'spec:\n  replicas: 3\n  strategy:\n    rollingUpdate:\n      maxUnavailable: 100%' },
    good: { lang: 'yaml', code: 'spec:\n  replicas: 3\n  strategy:\n    rollingUpdate:\n      maxUnavailable: 0\n      maxSurge: 1' },
    notes: 'Checks workloads of interchangeable replicas: Deployments, OpenShift DeploymentConfigs (`type: Recreate`, `rollingParams.maxUnavailable`) and Argo Rollouts (`canary.maxUnavailable`; blue-green starts the new pods before switching). StatefulSets and DaemonSets replace one pod at a time unless told otherwise; Jobs, CronJobs and bare Pods are not rolled out. `Recreate` is reported as info on single-replica Deployments (there it is often deliberate, e.g. for a ReadWriteOnce volume) and as a warning with several replicas. A HorizontalPodAutoscaler or KEDA ScaledObject that targets the Deployment (in the same file, folder or kustomization) sets the replica count to its `minReplicas`. Rule set: strict. Recreate is almost always chosen on purpose (a ReadWriteOnce volume, a leader-only controller); most findings read were wrong or debatable (docs/precision.md).',
  },
  check: {
    kubernetes(model, ctx) {
      let scaled: ReturnType<typeof autoscalers> | undefined;
      for (const obj of model.objects) {
        // Interchangeable replicas replaced by a strategy: StatefulSets and DaemonSets replace pods one at a
        // time by default (their `maxUnavailable` is opt-in), Jobs and bare Pods are not rolled out.
        // A Deployment run by an Argo Rollout's workloadRef has the Rollout's strategy: judged at the Rollout.
        const c = obj.controller;
        const strategy = c?.pods === 'replicas' && !obj.workload?.runBy ? c.strategy : undefined;
        if (!strategy) continue;
        const who = `${obj.kind} "${obj.name ?? ''}"`;
        const replicas = minimumReplicas(obj, scaled ??= autoscalers(model, ctx));
        if (strategy.type === 'Recreate' && strategy.typeRange) {
          ctx.report({ range: strategy.typeRange, severity: replicas > 1 ? 'warning' : 'info', message: `${who} uses the Recreate strategy: every release stops all pods before new ones are ready. Use a rolling update unless the pods cannot overlap.` });
          continue;
        }
        const mu = strategy.maxUnavailable;
        if (!mu || mu.dynamic) continue;
        const all = mu.value.trim() === '100%' || (/^\d+$/.test(mu.value.trim()) && Number(mu.value) >= replicas && replicas > 0);
        if (all) ctx.report({ range: mu.range, message: `${who} allows maxUnavailable ${mu.value} of ${replicas} replica(s): a rollout may take every pod down at once. Use 0 or 25% with maxSurge.` });
      }
    },
  },
});
