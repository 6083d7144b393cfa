import { defineRule, RuleContext } from '../../engine/rule';
import type { ComposeModel } from '../../model/compose';
import { composeOneShot } from './service-facts';
import { appendToMap } from './yaml-edit';

function checkCompose(model: ComposeModel, ctx: RuleContext): void {
  if (model.templated) return;
  for (const s of model.services) {
    if (s.raw.has('restart') || s.raw.get('deploy')?.has('restart_policy') || s.raw.has('extends')) continue;
    if (composeOneShot(model, s, ctx)) continue;
    ctx.report({
      range: s.keyRange,
      message: `Service "${s.name}" has no restart policy: when it crashes, runs out of memory or the host reboots, it stays down until someone runs \`docker compose up\` again. Add \`restart: unless-stopped\` (or \`on-failure\`).`,
      fix: () => {
        const edit = appendToMap(model.source, s.raw, ['restart: unless-stopped']);
        return edit && { title: `Add restart: unless-stopped to "${s.name}"`, safety: 'safe', edits: [edit] };
      },
    });
  }
}

export default defineRule({
  id: 'missing-restart-policy',
  title: 'Long-running Compose service without a restart policy',
  category: 'backing-services',
  principle: 'disposability',
  severity: 'info',
  set: 'strict',
  setReason: 'Many Compose files are for development or are overrides merged into a base file that sets the policy (docs/precision.md).',
  fix: 'safe',
  peers: { kics: ['restart_policy_on_failure_not_set_to_5'] },
  docs: {
    why: 'Compose\'s default restart policy is `no`: a service that crashes, is killed by the OOM killer or was running when the Docker host rebooted stays down, and everything that depends on it fails with it. `restart: unless-stopped` (or `always`, or `on-failure`) lets the Docker daemon bring it back.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    restart: unless-stopped' },
    notes: 'Any `restart:` value (even `"no"`) or a `deploy.restart_policy` counts as a decision and is not flagged. One-shot services (listed in `oneShot`, `restart_policy: condition: none`, awaited with `service_completed_successfully`, named like `migrate`/`seed`/`*-init`, running a client or a job command, or only in a tools/test profile) and services using `extends` are left alone. Info because many Compose files are development setups; for production hosts treat it as a warning. KICS\' `restart_policy_on_failure_not_set_to_5` asks for `on-failure:5` specifically (a CIS recommendation); this rule accepts any policy and only flags its absence. The fix adds `restart: unless-stopped`.',
  },
  check: { compose: checkCompose },
});
