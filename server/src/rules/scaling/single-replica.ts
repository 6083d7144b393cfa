import { defineRule } from '../../engine/rule';
import { datastoreOfImage, isCacheImage } from '../../knowledge/datastores';
import { podsOf } from '../host-daemon/shared';
import { autoscalers, kubeReplicas } from './replicas';
import { DATA_VOLUME_NAME, electsLeader, isSingletonImage } from '../../knowledge/singletons';

/** Names of workloads that must run alone (schedulers, leaders, Celery beat). */
const SINGLETON_NAME = /(?:^|[-_.])(?:scheduler|cron|beat|singleton|leader|clock|lock)(?:[-_.]|$)/i;

export default defineRule({
  id: 'single-replica',
  title: 'Stateless web workload pinned to one replica',
  category: 'scaling',
  principle: 'concurrency',
  severity: 'info',
  set: 'strict',
  fix: 'unsafe',
  crossDocument: ['HorizontalPodAutoscaler', 'ScaledObject'],
  peers: { kubeLinter: ['minimum-three-replicas'], polaris: ['deploymentMissingReplicas'], kubeScore: ['deployment-replicas'] },
  docs: {
    why: 'With one replica every node drain, eviction, crash and rollout step is an outage, however short, and a traffic spike has nowhere to go. Stateless web workloads scale out by adding copies: run at least two (spread over nodes), or let a HorizontalPodAutoscaler decide.',
    bad: { lang: 'yaml', code: 'kind: Deployment\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: api\n          image: shop/api:1.4.2\n          ports:\n            - containerPort: 8080' },
    good: { lang: 'yaml', code: 'kind: Deployment\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: api\n          image: shop/api:1.4.2\n          ports:\n            - containerPort: 8080' },
    notes: 'Flags an explicit `replicas: 1` on Deployments (and OpenShift DeploymentConfigs, Argo Rollouts, ReplicaSets, ReplicationControllers; StatefulSets, DaemonSets, Jobs, CronJobs and bare Pods do not run interchangeable copies) whose containers declare a `containerPort`. Not flagged: a missing `replicas` (often left to an autoscaler), `replicas: 0`, workloads targeted by a HorizontalPodAutoscaler or KEDA ScaledObject in the same file, folder or kustomization, datastores and caches, workloads that mount a PersistentVolumeClaim or use the `Recreate` strategy (both mean "one at a time"), singleton names (scheduler, cron, beat, leader, ...), templated objects and `oneShot` names. The quick fix sets `replicas: 2`; it is unsafe because it doubles the resources and the app must tolerate a second copy (sessions, schedulers, migrations at start-up). Rule set: strict. Examples, test manifests and controllers run one replica by design, and whether a workload may scale out is not visible in the manifest (docs/precision.md).',
  },
  check: {
    kubernetes(model, ctx) {
      const scaled = autoscalers(model, ctx);
      for (const pod of podsOf(model)) {
        const obj = pod.obj;
        // Interchangeable copies behind a Service (not a StatefulSet's ordinals, a DaemonSet's per-node pods or a Job's).
        if (obj.workload?.pods !== 'replicas' || obj.templated || !obj.name || ctx.settings.oneShot.includes(obj.name)) continue;
        const r = kubeReplicas(obj);
        if (!r || r.value !== 1 || scaled.has(`${obj.kind}/${obj.name}`) || SINGLETON_NAME.test(obj.name)) continue;
        if (obj.workload.strategy?.type === 'Recreate') continue;
        if ((pod.spec.get('volumes')?.items() ?? []).some((v) => v.has('persistentVolumeClaim'))) continue;
        const app = pod.containers.filter((c) => !c.init);
        const images = app.map((c) => c.image).filter((i): i is NonNullable<typeof i> => !!i);
        if (images.some((i) => datastoreOfImage(i) || isCacheImage(i) || isSingletonImage(i))) continue;
        if (/kube-state-metrics/.test(obj.name)) continue;
        // Leader-only components: a second copy only stands by.
        const words = app.flatMap((c) => ['command', 'args'].flatMap((k) => (c.raw.get(k)?.items() ?? []).map((w) => w.str()?.value ?? '')));
        if (electsLeader(words)) continue;
        // State on an emptyDir (`ldap-data`): each replica would hold its own diverging copy.
        if ((pod.spec.get('volumes')?.items() ?? []).some((v) => v.has('emptyDir') && DATA_VOLUME_NAME.test(v.get('name')?.str()?.value ?? ''))) continue;
        if (!app.some((c) => (c.raw.get('ports')?.items() ?? []).some((p) => p.has('containerPort')))) continue;
        ctx.report({
          range: r.range,
          message: `${obj.kind} "${obj.name}" runs a single replica: every node drain, crash or rollout step is an outage and load has nowhere to go. Run at least 2 replicas (with a PodDisruptionBudget), or add a HorizontalPodAutoscaler.`,
          fix: () => ({ title: `Set replicas: 2 on "${obj.name}"`, safety: 'unsafe', edits: [{ range: r.range, newText: '2' }] }),
        });
      }
    },
  },
});
