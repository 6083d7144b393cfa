import { defineRule } from '../../engine/rule';
import { isSlowStarter } from '../../knowledge/lifecycle';
import { longRunningWorkload } from './service-facts';
import { appendToMap, nestedStep } from './yaml-edit';

/** Seconds a liveness probe tolerates before its first restart: initial delay plus failureThreshold × period. */
function livenessBudget(p: { get(k: string): { num(): { value: number } | undefined } | undefined }): number | undefined {
  const n = (k: string, d: number) => {
    const v = p.get(k);
    if (!v) return d;
    return v.num()?.value;
  };
  const delay = n('initialDelaySeconds', 0), period = n('periodSeconds', 10), failures = n('failureThreshold', 3);
  if (delay === undefined || period === undefined || failures === undefined) return undefined;
  return delay + period * failures;
}

const SLOW_START_SECONDS = 120;

export default defineRule({
  id: 'missing-startup-probe',
  title: 'Slow-starting container with a liveness probe but no startup probe',
  category: 'backing-services',
  principle: 'disposability',
  severity: 'info',
  fix: 'unsafe',
  peers: {},
  docs: {
    why: 'A liveness probe starts counting as soon as the container starts. JVM applications, search engines and brokers can take minutes to start (more under CPU limits or after a crash with recovery to do); when that exceeds the liveness budget, the kubelet kills the container mid-start, again and again: a restart loop that only shows up under load or on slower nodes. A `startupProbe` holds liveness off until the app has started once.',
    bad: { lang: 'yaml', code: '- name: search\n  image: elasticsearch:8.13.4\n  livenessProbe:\n    tcpSocket: { port: 9200 }\n    periodSeconds: 10' },
    good: { lang: 'yaml', code: '- name: search\n  image: elasticsearch:8.13.4\n  startupProbe:\n    tcpSocket: { port: 9200 }\n    periodSeconds: 10\n    failureThreshold: 30\n  livenessProbe:\n    tcpSocket: { port: 9200 }\n    periodSeconds: 10' },
    notes: `Only for images known to start slowly (JVM runtimes and servers such as Tomcat, Keycloak, Jenkins, Elasticsearch, OpenSearch, Kafka, Cassandra, Solr, SQL Server) that have a liveness probe, no startup probe, and a liveness budget (initialDelaySeconds + periodSeconds × failureThreshold) under ${SLOW_START_SECONDS} seconds. Without a liveness probe nothing kills a slow start, so nothing is flagged (see missing-probes). Helm-templated objects, Jobs and CronJobs are not checked. The fix adds a startup probe copying the liveness handler with a ${SLOW_START_SECONDS * 2.5}-second budget (unsafe: tune the budget to the app).`,
  },
  check: {
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        if (!longRunningWorkload(obj, ctx)) continue;
        for (const c of obj.workload!.podSpec.containers) {
          const live = c.raw.entry('livenessProbe');
          if (!live || c.raw.has('startupProbe') || !c.image || !isSlowStarter(c.image)) continue;
          const budget = livenessBudget(live.value);
          if (budget === undefined || budget >= SLOW_START_SECONDS) continue;
          const handler = ['httpGet', 'tcpSocket', 'exec', 'grpc'].map((k) => live.value.entry(k)).find(Boolean);
          ctx.report({
            range: live.keyRange,
            message: `Container "${c.name}" runs ${c.image.repository}, which can take minutes to start, but its liveness probe restarts it after ${budget} s and there is no startupProbe: a slow start (CPU limits, recovery, a cold node) becomes a restart loop. Add a startupProbe with a generous failureThreshold.`,
            fix: handler && (() => {
              // The handler block, re-indented under the new key (its own lines keep their relative indentation).
              const col = handler.keyRange.start.character;
              const lines = model.source.slice(handler.range).split(/\r?\n/);
              while (lines.length > 1 && !lines[lines.length - 1].trim()) lines.pop();
              if (lines.slice(1).some((l) => !l.startsWith(' '.repeat(col)))) return undefined;
              // Indented as the liveness probe indents its handler, so the copied lines keep one step throughout.
              const step = ' '.repeat(handler.keyRange.start.line > live.keyRange.start.line ? Math.max(1, col - live.keyRange.start.character) : nestedStep(model.source, c.raw));
              const body = [lines[0], ...lines.slice(1).map((l) => l.slice(col))].map((l) => `${step}${l}`);
              const edit = appendToMap(model.source, c.raw, ['startupProbe:', ...body, `${step}periodSeconds: 10`, `${step}failureThreshold: 30`]);
              return edit && { title: 'Add a startup probe (300 s budget)', safety: 'unsafe' as const, edits: [edit] };
            }),
          });
        }
      }
    },
  },
});
