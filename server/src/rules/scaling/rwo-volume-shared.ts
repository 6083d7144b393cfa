import { defineRule, RelatedInfo } from '../../engine/rule';
import type { Located } from '../../model/common';
import type { KubeObject } from '../../model/kubernetes';
import type { Range } from '../../model/range';
import { podsOf } from '../host-daemon/shared';
import { autoscalers, kubeReplicas } from './replicas';


interface Claim { obj: KubeObject; modes: string[]; range: Range }
interface User { obj: KubeObject; claim: Located; pods: number; why: string }

export default defineRule({
  id: 'rwo-volume-shared',
  title: 'ReadWriteOnce volume shared by several pods',
  category: 'scaling',
  principle: 'concurrency',
  severity: 'warning',
  fix: 'none',
  crossDocument: true,
  peers: {},
  docs: {
    why: 'A ReadWriteOnce volume attaches to one node at a time (ReadWriteOncePod: to one pod). When a Deployment with several replicas, an autoscaled one, or several workloads mount the same claim, the pods scheduled on other nodes hang in ContainerCreating with a Multi-Attach error, so scaling out silently does not happen. Give each replica its own claim (a StatefulSet with volumeClaimTemplates), use a ReadWriteMany storage class, or keep the state in a backing service.',
    bad: { lang: 'yaml', code: 'kind: PersistentVolumeClaim\nmetadata:\n  name: uploads\nspec:\n  accessModes: [ReadWriteOnce]\n---\nkind: Deployment\nspec:\n  replicas: 3\n  template:\n    spec:\n      volumes:\n        - name: uploads\n          persistentVolumeClaim:\n            claimName: uploads' },
    good: { lang: 'yaml', code: 'kind: StatefulSet\nspec:\n  replicas: 3\n  volumeClaimTemplates:\n    - metadata:\n        name: uploads\n      spec:\n        accessModes: [ReadWriteOnce]' },
    notes: 'Only claims defined in the same file are judged (their access modes are unknown otherwise), and only when their modes are ReadWriteOnce and/or ReadWriteOncePod. A pod count comes from a literal `replicas` above 1, a HorizontalPodAutoscaler or KEDA ScaledObject in the file with a maximum above 1, a DaemonSet (a pod per node), or several workloads mounting the claim. StatefulSets (one claim per pod from volumeClaimTemplates), bare Pods (one pod), Jobs and CronJobs (they run to completion) are not counted. Templated objects are skipped. KICS\' incorrect_volume_claim_access_mode_read_write_once checks StatefulSet claim templates, a different matter. Even with one replica, a RollingUpdate may need the old and new pod on different nodes; that is not flagged.',
  },
  check: {
    kubernetes(model, ctx) {
      const claims = new Map<string, Claim>();
      for (const o of model.objects) {
        if (o.kind !== 'PersistentVolumeClaim' || !o.name || o.templated) continue;
        const modes = (o.raw.get('spec')?.get('accessModes')?.items() ?? []).map((i) => i.str()?.value ?? '');
        if (!modes.length || !modes.every((m) => m === 'ReadWriteOnce' || m === 'ReadWriteOncePod' || m === 'ReadOnlyMany')) continue;
        if (!modes.some((m) => m.startsWith('ReadWriteOnce'))) continue;
        claims.set(`${o.namespace ?? ''}/${o.name}`, { obj: o, modes, range: o.nameRange ?? o.kindRange });
      }
      if (!claims.size) return;
      const scaled = autoscalers(model, ctx);
      const users = new Map<string, User[]>();
      for (const pod of podsOf(model)) {
        const obj = pod.obj;
        // Interchangeable pods share the template's volumes (a StatefulSet's pods get a claim each; Jobs end).
        if ((obj.workload?.pods !== 'replicas' && obj.workload?.pods !== 'per-node') || obj.templated) continue;
        const r = kubeReplicas(obj);
        const hpa = obj.name ? scaled.get(`${obj.kind}/${obj.name}`) : undefined;
        const [pods, why] = obj.workload?.pods === 'per-node' ? [2, 'runs a pod on every node']
          : hpa?.maxReplicas && hpa.maxReplicas > 1 ? [hpa.maxReplicas, `is autoscaled up to ${hpa.maxReplicas} replicas`]
            : r ? [r.value, `runs ${r.value} replicas`] : [obj.workload?.replicas || obj.raw.get('spec')?.has('replicas') ? 0 : 1, 'runs one replica'];
        if (!pods) continue;
        for (const v of pod.spec.get('volumes')?.items() ?? []) {
          const claim = v.get('persistentVolumeClaim')?.get('claimName')?.str();
          if (!claim || claim.dynamic) continue;
          const key = `${obj.namespace ?? ''}/${claim.value}`;
          if (!claims.has(key)) continue;
          users.set(key, [...(users.get(key) ?? []), { obj, claim, pods, why }]);
        }
      }
      for (const [key, list] of users) {
        const total = list.reduce((n, u) => n + u.pods, 0);
        if (total < 2) continue;
        const c = claims.get(key)!;
        const once = c.modes.includes('ReadWriteOncePod') && !c.modes.includes('ReadWriteOnce') ? 'ReadWriteOncePod (one pod at a time)' : 'ReadWriteOnce (one node at a time)';
        for (const u of list) {
          const others = list.filter((x) => x !== u).map((x) => `${x.obj.kind} "${x.obj.name ?? ''}"`);
          const related: RelatedInfo[] = [{ message: `claim "${c.obj.name}" is ${c.modes.join(', ')}`, range: c.range }];
          ctx.report({
            range: u.claim.range, related,
            message: `${u.obj.kind} "${u.obj.name ?? ''}" ${u.why}${others.length ? ` and shares it with ${others.join(', ')}` : ''}, but claim "${c.obj.name}" is ${once}: pods placed elsewhere hang in ContainerCreating with a Multi-Attach error, so scaling out does not happen. Use a StatefulSet with volumeClaimTemplates, a ReadWriteMany storage class, or a backing service for the data.`,
          });
        }
      }
    },
  },
});
