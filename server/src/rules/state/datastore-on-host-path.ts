import { defineRule } from '../../engine/rule';
import { covers, DATASTORE_CLIENTS, identifyDatastore } from '../../knowledge/datastores';
import { kubeFacts, kubeProgram } from './mounts';
import { servesLongRunning } from '../../model/kubernetes';
import { normalizePath } from '../../knowledge/datastores';

export default defineRule({
  id: 'datastore-on-host-path',
  title: 'Datastore data tied to one node',
  category: 'state',
  principle: 'disaster-recovery',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A `hostPath` volume is a folder on whichever node the pod happens to run on. A database writing there loses its data to a rescheduling (the pod starts empty on another node), and with the node itself to a hardware failure or an autoscaler scale-down: nothing moves the data, and nothing outside the node has a copy.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: db\n    image: postgres:16.4\n    volumeMounts:\n      - name: data\n        mountPath: /var/lib/postgresql/data\nvolumes:\n  - name: data\n    hostPath:\n      path: /srv/pg' },
    good: { lang: 'yaml', code: 'volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 20Gi' },
    notes: 'Reported when the data directory of a recognised datastore (see `database-without-volume`) is on a `hostPath` volume in a long-running workload (Deployments, StatefulSets, DaemonSets, ReplicaSets, OpenShift DeploymentConfigs, Argo Rollouts, Pods; not Jobs or CronJobs, whose pods run to completion). Single-node clusters (k3s, kind, a lab) are the exception: suppress the finding there with that reason.',
  },
  check: {
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        const w = obj.workload;
        if (!servesLongRunning(w) || obj.templated) continue;
        for (const c of w.podSpec.containers) {
          if (!c.image) continue;
          const program = kubeProgram(c);
          if (program && DATASTORE_CLIENTS.has(program)) continue;
          const match = identifyDatastore(c.image, kubeFacts(c), ctx.settings.dataDirectories);
          if (!match) continue;
          for (const m of c.volumeMounts) {
            const vol = w.podSpec.volumes.find((v) => v.name === m.name);
            if (vol?.type !== 'hostPath' || !m.mountPath || /[$\uE000]/.test(m.mountPath)) continue;
            const target = normalizePath(m.mountPath);
            if (!match.dataDirs.some((d) => covers(target, d) || covers(d, target))) continue;
            ctx.report({
              range: m.range,
              message: `Container "${c.name}" in ${obj.kind} "${obj.name ?? ''}" keeps its ${match.label} data on hostPath ${vol.hostPath?.value ?? ''}: the data stays on one node, lost when the pod moves or the node fails. Use a PersistentVolumeClaim.`,
              related: [{ message: 'the hostPath volume', range: vol.range }],
            });
            break;
          }
        }
      }
    },
  },
});
