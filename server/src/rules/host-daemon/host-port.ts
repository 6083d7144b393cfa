import { defineRule } from '../../engine/rule';
import { deleteLineFix, podsOf, trueEntry } from './shared';

export default defineRule({
  id: 'host-port',
  title: 'Container binds a port on its node (hostPort)',
  category: 'host-daemon',
  principle: 'concurrency',
  severity: 'warning',
  fix: 'unsafe',
  peers: {
    kics: ['workload_host_port_not_specified'], checkov: ['CKV_K8S_26'], polaris: ['hostPortSet'], trivy: ['KSV-0024'],
  },
  docs: {
    why: "`hostPort` binds the container's port on the node it is scheduled to. Only one such pod fits per node, so replicas beyond the node count stay Pending and a rolling update with surge stalls; clients that use the node address talk past the Service, its load balancing and readiness gating; and the node's firewall now has to know about the app.",
    bad: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    ports:\n      - containerPort: 8080\n        hostPort: 8080' },
    good: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    ports:\n      - containerPort: 8080\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector:\n    app: api\n  ports:\n    - port: 80\n      targetPort: 8080' },
    notes: 'Kubernetes only; Compose published ports are a different matter. DaemonSets (node agents, one pod per node anyway) are reported as info. Not reported when the pod uses `hostNetwork: true` (reported by host-namespace, and Kubernetes requires hostPort to equal containerPort there). Templated ports (`{{ .Values.hostPort }}`) and `hostPort: 0` are not judged. The quick fix deletes the `hostPort` line (or the key that opens a `- hostPort:` list item) and is unsafe: clients using the node port lose it.',
  },
  check: {
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        if (trueEntry(pod.spec, 'hostNetwork')) continue;
        for (const c of pod.containers) {
          for (const p of c.raw.get('ports')?.items() ?? []) {
            const e = p.entry('hostPort');
            const n = e?.value.num();
            if (!e || !n || n.value <= 0) continue;
            const target = p.get('containerPort')?.str()?.value;
            // A DaemonSet runs one pod per node anyway: hostPort is how node-local agents are reached.
            if (pod.obj.workload?.pods === 'per-node') {
              ctx.report({
                range: e.range, severity: 'info',
                message: `Container "${c.name}" of ${pod.obj.kind} "${pod.obj.name ?? ''}" binds hostPort ${n.value} on every node: clients must know node addresses and the node firewall must allow it. A Service with \`internalTrafficPolicy: Local\` reaches the agent on the same node without a host port.`,
                fix: () => deleteLineFix(model.source, e, `Remove \`hostPort: ${n.value}\` (the port is no longer bound on the node; clients must go through a Service)`, p),
              });
              continue;
            }
            ctx.report({
              range: e.range,
              message: `Container "${c.name}" binds hostPort ${n.value}${target ? ` (container port ${target})` : ''} on its node: only one such pod fits per node, so extra replicas and surge rollouts stay Pending, and clients using the node address bypass the Service. Remove hostPort and expose the port through a Service (or an Ingress).`,
              fix: () => deleteLineFix(model.source, e, `Remove \`hostPort: ${n.value}\` (the port is no longer bound on the node; clients must go through a Service)`, p),
            });
          }
        }
      }
    },
  },
});
