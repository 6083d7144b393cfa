import { defineRule, RuleContext, Severity } from '../../engine/rule';
import type { EnvEntry } from '../../model/common';
import { memorySessionsOf } from '../../knowledge/web-tier';
import { autoscalers, composeReplicas, kubeReplicas } from './replicas';

const CONSEQUENCE = 'each replica (and each restart) has its own sessions, so users are logged out or lose their carts whenever a request lands on another copy.';

function judge(e: EnvEntry, who: string, replicas: number | undefined, ctx: RuleContext): void {
  if (e.dynamic || e.value === undefined || !e.valueRange) return;
  const hit = memorySessionsOf(e.name, e.value);
  if (!hit) return;
  const severity: Severity | undefined = replicas && replicas > 1 ? 'warning' : undefined;
  ctx.report({
    range: e.range, severity,
    message: `${who}: ${hit.what}${replicas && replicas > 1 ? ` while ${replicas} replicas run` : ''}: ${CONSEQUENCE} ${hit.advice}`,
  });
}

export default defineRule({
  id: 'in-memory-sessions',
  title: 'Sessions kept in process memory',
  category: 'scaling',
  principle: 'processes',
  severity: 'info',
  fix: 'none',
  peers: {},
  docs: {
    why: 'Sessions held in one process\'s memory exist only in that process. With two replicas behind a load balancer, a user who logged in on one is a stranger to the other; every deploy, crash or scale-in logs everybody out. Processes should share nothing: keep sessions in a backing service (Redis, the database) or in signed cookies, so any copy can serve any request.',
    bad: { lang: 'yaml', code: 'services:\n  web:\n    image: shop/web:2.0.1\n    environment:\n      SESSION_DRIVER: memory' },
    good: { lang: 'yaml', code: 'services:\n  web:\n    image: shop/web:2.0.1\n    environment:\n      SESSION_DRIVER: redis\n      REDIS_URL: redis://cache:6379' },
    notes: 'Reads environment settings (Dockerfile ENV in shipped stages, Compose `environment`, Kubernetes `env`): `SESSION_DRIVER`/`SESSION_STORE`/`SESSION_TYPE`/`SESSION_BACKEND` set to `memory` or `MemoryStore` (express-session\'s default store, Laravel, Flask-Session style settings), Laravel\'s `SESSION_DRIVER=array` (sessions last one request), and `SPRING_SESSION_STORE_TYPE=none`. Warning when the file runs more than one replica (Compose `deploy.replicas`/`scale`, Kubernetes `replicas` or an autoscaler in the file), info otherwise. Sessions in code (`new MemoryStore()`, express-session without a `store`) are not visible in these files. File-based sessions are reported by file-based-state.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const st of model.stages) {
        if (!st.ships) continue;
        for (const ins of st.instructions) if (ins.keyword === 'ENV') for (const e of ins.properties) judge(e, 'ENV', undefined, ctx);
      }
    },
    compose(model, ctx) {
      for (const s of model.services) for (const e of s.environment) judge(e, `Service "${s.name}"`, composeReplicas(s)?.value, ctx);
    },
    kubernetes(model, ctx) {
      const scaled = autoscalers(model, ctx);
      for (const obj of model.objects) {
        const w = obj.workload;
        if (!w) continue;
        const hpa = obj.name ? scaled.get(`${obj.kind}/${obj.name}`) : undefined;
        const replicas = obj.workload?.pods === 'per-node' ? 2 : Math.max(kubeReplicas(obj)?.value ?? 0, hpa?.maxReplicas ?? 0);
        for (const c of w.podSpec.containers) for (const e of c.env) judge(e, `Container "${c.name}" in ${obj.kind} "${obj.name ?? ''}"`, replicas, ctx);
      }
    },
  },
});
