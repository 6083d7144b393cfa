import { defineRule } from '../../engine/rule';
import { yamlString } from '../backing-services/yaml-edit';
import { composeOneShot } from '../backing-services/service-facts';

export default defineRule({
  id: 'update-continues-on-failure',
  title: 'Rolling update continues past failed tasks',
  category: 'versioning',
  principle: 'rollout',
  severity: 'warning',
  fix: 'unsafe',
  peers: {},
  docs: {
    why: 'With `deploy.update_config.failure_action: continue`, Docker Swarm keeps replacing tasks with the new version even when the ones it already replaced fail to start or stay healthy. A broken release then reaches every replica instead of stopping at the first: the outage is total, and nothing rolls back on its own.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    deploy:\n      replicas: 3\n      update_config:\n        failure_action: continue' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    deploy:\n      replicas: 3\n      update_config:\n        failure_action: rollback\n        order: start-first' },
    notes: 'Only `deploy.update_config.failure_action: continue` is reported (the default, `pause`, stops the update; `rollback` returns to the previous version). Services that run once and exit (`restart_policy.condition: none`, job-like commands or names, `oneShot`) are skipped: Swarm would otherwise count their clean exit as a failed task. The fix (unsafe: a failing update will now roll back) sets it to `rollback`. `docker compose up` outside Swarm ignores `update_config`; the setting matters where the file is deployed with `docker stack deploy`.',
  },
  check: {
    compose(model, ctx) {
      for (const s of model.services) {
        const action = s.raw.get('deploy')?.get('update_config')?.get('failure_action')?.str();
        if (!action || action.dynamic || action.value.trim().toLowerCase() !== 'continue') continue;
        // A task that runs once and exits (an init sidecar) is "done" when it stops: continuing is deliberate there.
        if (composeOneShot(model, s, ctx)) continue;
        ctx.report({
          range: action.range,
          message: `Service "${s.name}" continues a rolling update when new tasks fail (failure_action: continue): a broken release reaches every replica. Use \`rollback\` (or the default \`pause\`).`,
          fix: () => ({ title: 'Roll back a failing update (failure_action: rollback)', safety: 'unsafe', edits: [{ range: action.range, newText: yamlString('rollback', model.source.slice(action.range)[0] ?? '') }] }),
        });
      }
    },
  },
});
