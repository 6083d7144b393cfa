import { defineRule } from '../../engine/rule';
import { longRunningWorkload } from './service-facts';

/** A probe as comparable text: keys sorted so that order in the file does not matter. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export default defineRule({
  id: 'identical-probes',
  title: 'Liveness probe identical to the readiness probe',
  category: 'backing-services',
  principle: 'disposability',
  severity: 'warning',
  set: 'strict',
  setReason: 'Taste: using one health endpoint for both probes is common and often deliberate; judged debatable on every finding read (docs/precision.md).',
  fix: 'none',
  peers: { kubeScore: ['pod-probes-identical'] },
  docs: {
    why: 'Readiness answers "should this pod get traffic now?", liveness "is it beyond repair?". When both are the same check, a pod that is only busy (a slow dependency, a load spike, a long GC pause) fails liveness at the moment it fails readiness and is restarted instead of being taken out of rotation: restarts pile more load on the remaining pods and turn a slowdown into an outage.',
    bad: { lang: 'yaml', code: 'readinessProbe:\n  httpGet: { path: /health, port: 8080 }\nlivenessProbe:\n  httpGet: { path: /health, port: 8080 }' },
    good: { lang: 'yaml', code: 'readinessProbe:\n  httpGet: { path: /ready, port: 8080 }\n  periodSeconds: 5\nlivenessProbe:\n  httpGet: { path: /healthz, port: 8080 }\n  periodSeconds: 20\n  failureThreshold: 6' },
    notes: 'Flags probes that are equal as a whole (handler and timings; key order ignored). The same endpoint with a more tolerant liveness threshold (higher `failureThreshold` or `periodSeconds`) is accepted; best is a liveness endpoint that checks only the process itself and not its dependencies. Helm-templated objects, Jobs and CronJobs are not checked.',
  },
  check: {
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        if (!longRunningWorkload(obj, ctx)) continue;
        for (const c of obj.workload!.podSpec.containers) {
          const live = c.raw.entry('livenessProbe');
          const ready = c.raw.get('readinessProbe');
          if (!live || !ready || !live.value.isMap) continue;
          if (canonical(live.value.toJS()) !== canonical(ready.toJS())) continue;
          ctx.report({
            range: live.keyRange,
            message: `Container "${c.name}" uses the same check for liveness and readiness: when it is merely overloaded or waiting on a dependency, it is restarted instead of being taken out of rotation, which spreads the overload. Give liveness its own cheap endpoint or a far more tolerant threshold.`,
            related: [{ message: 'the identical readiness probe', range: c.raw.keyRange('readinessProbe')! }],
          });
        }
      }
    },
  },
});
