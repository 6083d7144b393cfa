import { defineRule, RuleContext } from '../../engine/rule';
import type { KubeContainer, KubeObject, KubernetesModel } from '../../model/kubernetes';
import type { YView } from '../../parse/yaml-view';
import { longRunningWorkload } from './service-facts';
import { appendToMap, nestedStep } from './yaml-edit';

/** Literal `key: value` labels of a YAML mapping. */
function labelsOf(v: YView | undefined): Map<string, string> | undefined {
  if (!v?.isMap) return undefined;
  const out = new Map<string, string>();
  for (const e of v.entries()) {
    const s = e.value.str();
    if (!s || s.dynamic) return undefined;
    out.set(e.key, s.value);
  }
  return out;
}

/** Labels of the pods a workload creates. */
export function podLabels(obj: KubeObject): Map<string, string> | undefined {
  return labelsOf(obj.controller?.podMetadata?.get('labels'));
}

interface ServiceSelector { svc: KubeObject; namespace: string; selector: [string, string][] }
/** Each model's Services with their selectors, read once: every workload is matched against them. */
const SELECTORS = new WeakMap<KubernetesModel, ServiceSelector[]>();
function serviceSelectors(model: KubernetesModel): ServiceSelector[] {
  let list = SELECTORS.get(model);
  if (!list) {
    list = [];
    for (const svc of model.objects) {
      if (svc.kind !== 'Service') continue;
      const sel = labelsOf(svc.raw.get('spec')?.get('selector'));
      if (sel?.size) list.push({ svc, namespace: svc.namespace ?? '', selector: [...sel] });
    }
    SELECTORS.set(model, list);
  }
  return list;
}

/** Services in the same file whose selector matches the workload's pod labels. */
export function selectingServices(model: KubernetesModel, obj: KubeObject): KubeObject[] {
  const labels = podLabels(obj);
  if (!labels?.size) return [];
  const ns = obj.namespace ?? '';
  return serviceSelectors(model).filter((s) => s.namespace === ns && s.selector.every(([k, v]) => labels.get(k) === v)).map((s) => s.svc);
}

function readinessFix(model: KubernetesModel, c: KubeContainer) {
  const port = c.ports.map((p) => p.containerPort).find((p) => p && !p.dynamic);
  if (!port) return undefined;
  return () => {
    // Indented like the container's own nested blocks (or the file's), not a fixed two spaces.
    const st = ' '.repeat(nestedStep(model.source, c.raw));
    const edit = appendToMap(model.source, c.raw, ['readinessProbe:', `${st}tcpSocket:`, `${st}${st}port: ${port.value}`, `${st}periodSeconds: 10`]);
    return edit && { title: `Add a TCP readiness probe on port ${port.value}`, safety: 'unsafe' as const, edits: [edit] };
  };
}

function check(model: KubernetesModel, ctx: RuleContext): void {
  for (const obj of model.objects) {
    if (!longRunningWorkload(obj, ctx)) continue;
    const services = selectingServices(model, obj);
    for (const c of obj.workload!.podSpec.containers) {
      const readiness = c.raw.has('readinessProbe');
      const liveness = c.raw.has('livenessProbe');
      if (readiness && liveness) continue;
      const serves = services.length > 0 || c.ports.length > 0;
      const missing: string[] = [];
      if (!readiness && serves) missing.push('readiness');
      if (!liveness) missing.push('liveness');
      if (!missing.length) continue;
      const behind = services.length ? `Service "${services[0].name ?? ''}" sends it traffic` : c.ports.length ? 'it declares container ports' : '';
      const parts: string[] = [];
      if (missing.includes('readiness')) parts.push(`${behind}, so without a readiness probe it receives requests before it can answer them and during every rollout and overload`);
      if (missing.includes('liveness')) parts.push('without a liveness probe a hung process (deadlock, stuck event loop) is never restarted');
      ctx.report({
        severity: services.length && missing.includes('readiness') ? 'warning' : 'info',
        range: c.nameRange,
        message: `Container "${c.name}" in ${obj.kind} "${obj.name ?? ''}" has no ${missing.join(' and no ')} probe: ${parts.join('; ')}. Add ${missing.map((m) => `a ${m}Probe`).join(' and ')} (an HTTP health endpoint, or tcpSocket on its port).`,
        related: services.length && missing.includes('readiness') ? [{ message: 'this Service routes traffic to the pod', range: services[0].kindRange }] : undefined,
        fix: missing.includes('readiness') ? readinessFix(model, c) : undefined,
      });
    }
  }
}

export default defineRule({
  id: 'missing-probes',
  title: 'Kubernetes container without readiness or liveness probe',
  category: 'backing-services',
  principle: 'backing-services',
  severity: 'warning',
  fix: 'unsafe',
  crossDocument: ['Service'],
  peers: {
    kics: ['liveness_probe_is_not_defined', 'readiness_probe_is_not_configured'], checkov: ['CKV_K8S_8', 'CKV_K8S_9'],
    kubeLinter: ['no-liveness-probe', 'no-readiness-probe'], polaris: ['livenessProbeMissing', 'readinessProbeMissing'], kubeScore: ['pod-probes'],
  },
  docs: {
    why: 'Kubernetes sends a pod traffic as soon as its containers have started unless a readiness probe says otherwise: during every rollout, scale-up and restart, requests reach an app that is still loading and fail. Without a liveness probe, a process that hangs without exiting (deadlock, exhausted pool, stuck event loop) keeps its place forever. Probes are how the platform knows the difference between running and working.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    ports:\n      - containerPort: 8080' },
    good: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    ports:\n      - containerPort: 8080\n    readinessProbe:\n      httpGet: { path: /ready, port: 8080 }\n      periodSeconds: 10\n    livenessProbe:\n      httpGet: { path: /healthz, port: 8080 }\n      periodSeconds: 20\n      failureThreshold: 3' },
    notes: 'A missing readiness probe is a warning when a Service in the same file selects the pod\'s labels, and info when the container only declares ports (the Service may live elsewhere); containers that neither serve nor are selected only need a liveness probe. A missing liveness probe alone is info: a wrong liveness probe does more harm than none, so write it to detect hangs, not slowness. Checked: Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers and Pods that restart; not Jobs, CronJobs, Pods with `restartPolicy: Never/OnFailure`, Helm hooks, init containers, workloads listed in `oneShot`, or Helm-templated objects (a template may add the probes). One finding per container. The fix adds a TCP readiness probe on the first declared port (unsafe: an HTTP probe on a health endpoint is better, and a port that opens before the app is ready proves little).',
  },
  check: { kubernetes: check },
});
