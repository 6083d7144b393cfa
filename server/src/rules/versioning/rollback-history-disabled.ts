import { defineRule } from '../../engine/rule';


export default defineRule({
  id: 'rollback-history-disabled',
  title: 'Rollout history switched off',
  category: 'versioning',
  principle: 'rollout',
  severity: 'warning',
  fix: 'safe',
  peers: {},
  docs: {
    why: '`revisionHistoryLimit: 0` deletes every old ReplicaSet (or ControllerRevision) as soon as a rollout finishes. `kubectl rollout undo` then has nothing to go back to: a bad release can only be fixed by finding and re-applying the previous manifest under pressure.',
    bad: { lang: 'yaml', code: 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  revisionHistoryLimit: 0' },
    good: { lang: 'yaml', code: 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  revisionHistoryLimit: 10' },
    notes: 'Checks Deployments, StatefulSets, DaemonSets, Argo Rollouts (with a template or a `workloadRef`) and OpenShift DeploymentConfigs; Jobs, CronJobs and bare Pods keep no revisions to roll back to. Any limit of 1 or more keeps a revision to roll back to; leaving the key out keeps the Kubernetes default (10). The fix (safe: old revisions are inactive) sets the limit to 10. Templated values are not judged.',
  },
  check: {
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        // Kinds that keep old revisions for `kubectl rollout undo` (an Argo Rollout with a workloadRef too).
        if (!obj.controller?.keepsRevisions) continue;
        const limit = obj.raw.get('spec')?.get('revisionHistoryLimit')?.num();
        if (!limit || limit.dynamic || limit.value !== 0) continue;
        ctx.report({
          range: limit.range,
          message: `${obj.kind} "${obj.name ?? ''}" keeps no previous revision (revisionHistoryLimit: 0): \`kubectl rollout undo\` has nothing to roll back to. Keep at least a few revisions.`,
          fix: () => ({ title: 'Keep 10 revisions (the Kubernetes default)', safety: 'safe', edits: [{ range: limit.range, newText: '10' }] }),
        });
      }
    },
  },
});
