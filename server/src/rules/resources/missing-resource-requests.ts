import { defineRule } from '../../engine/rule';
import { describeWorkload, judgedContainers, missingAnchor, ResourceName, resourcesFix } from './kube-resources';

export default defineRule({
  id: 'missing-resource-requests',
  title: 'Container without CPU or memory requests',
  category: 'resources',
  principle: 'resource-planning',
  severity: 'info',
  set: 'strict',
  setReason: 'Requests are capacity policy that most example, test and chart files leave to the operator; on the precision sample the findings were true but rarely actionable (docs/precision.md).',
  fix: 'unsafe',
  crossDocument: ['LimitRange', 'Service'],
  peers: {
    kics: ['cpu_requests_not_set', 'memory_requests_not_defined'], checkov: ['CKV_K8S_10', 'CKV_K8S_12'],
    kubeLinter: ['unset-cpu-requirements', 'unset-memory-requirements'], polaris: ['cpuRequestsMissing', 'memoryRequestsMissing'],
    trivy: ['KSV-0015', 'KSV-0016'], kubeScore: ['container-resources'],
  },
  docs: {
    why: 'The scheduler places pods by their requests. A container that requests no CPU or memory is packed onto nodes as if it used nothing, so busy nodes get more pods than they can run; under CPU contention it gets the smallest share, and when a node runs short of memory its pod (BestEffort or Burstable QoS) is among the first evicted. Requests are also what the HorizontalPodAutoscaler measures utilisation against.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    resources:\n      limits:\n        memory: 512Mi' },
    good: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    resources:\n      requests:\n        cpu: 250m\n        memory: 256Mi\n      limits:\n        memory: 512Mi' },
    notes: 'Kubernetes only (Compose has no scheduler). A request counts when written, when a limit for the same resource is set (Kubernetes then copies the limit into the request), or when a LimitRange of type Container in the same file and namespace gives a `defaultRequest` or `default`. KICS and Checkov also flag requests that a limit already implies; this rule does not. Regular containers and native sidecars are judged; ordinary init containers, templated (Helm) objects and workloads listed in `oneShot` are not. The quick fix adds the missing requests (100m CPU, 256Mi memory); it is unsafe because requests change where, and whether, the pod can be scheduled.',
  },
  check: {
    kubernetes(model, ctx) {
      for (const jc of judgedContainers(model)) {
        const { pod, container: c, res, defaults } = jc;
        if (pod.obj.name && ctx.settings.oneShot.includes(pod.obj.name)) continue;
        const missing = (['cpu', 'memory'] as ResourceName[]).filter((n) => !res.request(n) && !res.limit(n) && !defaults.requests.has(n));
        if (!missing.length) continue;
        const what = missing.length === 2 ? 'CPU or memory' : missing[0] === 'cpu' ? 'CPU' : 'memory';
        ctx.report({
          range: missingAnchor(jc, 'requests'),
          message: `Container "${c.name}" in ${describeWorkload(pod.obj)} requests no ${what}: the scheduler places it as if it used none, so it lands on busy nodes, gets the smallest share under contention and is evicted first when the node runs short. Set \`resources.requests.${missing[0]}\`${missing.length === 2 ? ' and `.memory`' : ''} to its typical usage.`,
          fix: () => resourcesFix(model.source, jc, { limits: [], requests: missing }, `Add ${what} requests to "${c.name}"`),
        });
      }
    },
  },
});
