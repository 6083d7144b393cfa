import { defineRule } from '../../engine/rule';
import { composeOneShot } from '../backing-services/service-facts';
import { appendToMap } from '../backing-services/yaml-edit';
import { composeMemoryLimit, composePidsLimit } from './kube-resources';

export default defineRule({
  id: 'missing-pids-limit',
  title: 'Compose service without a process limit',
  category: 'resources',
  principle: 'resource-planning',
  severity: 'info',
  set: 'strict', setReason: 'Policy: a process limit guards the host against a rare fork loop; most Compose files never set one and run for years without harm. A service without any limit gets one missing-resource-limits finding whose fix adds both.',
  fix: 'unsafe',
  peers: { kics: ['pids_limit_not_set'] },
  docs: {
    why: 'Process and thread IDs are a host-wide resource. A container without a PID limit can exhaust them with a fork loop, a thread leak or a runaway worker pool, and then no process on the host can start: not `docker exec`, not sshd, not the Docker daemon\'s own helpers. `pids_limit` confines the damage to the container that misbehaves.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    pids_limit: 512' },
    notes: 'Compose only: Kubernetes sets PID limits per node (kubelet `podPidsLimit`), not in manifests. `pids_limit` or `deploy.resources.limits.pids` count, including `-1`/`0` (an explicit decision for no limit, which KICS flags and this rule accepts). One-shot services (migrations, seeders, tools profiles, `oneShot`) and services using `extends` are skipped, and so are services without a memory limit: missing-resource-limits reports those once, and its fix adds both limits. Threads count as PIDs: JVMs, Elasticsearch and busy worker pools need a few hundred to thousands. The quick fix adds `pids_limit: 512` and is unsafe for that reason.',
  },
  check: {
    compose(model, ctx) {
      if (model.templated) return;
      for (const s of model.services) {
        // Without a memory limit either, missing-resource-limits reports the service once and its fix adds both.
        if (composePidsLimit(s) || !composeMemoryLimit(s)) continue;
        if (s.raw.has('extends') || composeOneShot(model, s, ctx)) continue;
        ctx.report({
          range: s.keyRange,
          message: `Service "${s.name}" has no \`pids_limit\`: a fork loop or thread leak in it can use up the host's process IDs, after which nothing on the host can start a process. Set \`pids_limit\` (e.g. 512; JVMs and search engines need more).`,
          fix: () => {
            const edit = appendToMap(model.source, s.raw, ['pids_limit: 512']);
            return edit && { title: `Add pids_limit: 512 to "${s.name}"`, safety: 'unsafe', edits: [edit] };
          },
        });
      }
    },
  },
});
