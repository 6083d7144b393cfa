import { defineRule } from '../../engine/rule';
import { isPlaceholderImage } from '../../knowledge/image';
import { podsOf } from '../host-daemon/shared';

/** Tags that are moved to new builds by design: a node that caches them runs an old build. */
const MOVING = /^(latest|stable|lts|edge|mainline|nightly|current|rolling|dev|main|master)$/i;

export default defineRule({
  id: 'pull-policy-mismatch',
  title: 'imagePullPolicy does not fit the image reference',
  category: 'versioning',
  principle: 'rollout',
  severity: 'warning',
  fix: 'none',
  peers: { kics: ['image_pull_policy_of_container_is_not_always'], checkov: ['CKV_K8S_15'], polaris: ['pullPolicyNotAlways'] },
  docs: {
    why: 'With a moving tag (`latest`, `stable`, no tag) and `imagePullPolicy: IfNotPresent` or `Never`, each node runs whichever build it pulled first: replicas of one Deployment silently run different code, and a rollout does not change what runs. Either pin an immutable version or digest (then `IfNotPresent` is right), or pull `Always`.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:latest\n    imagePullPolicy: IfNotPresent' },
    good: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    imagePullPolicy: IfNotPresent' },
    notes: 'Only flags the combinations that make nodes disagree about what runs (a moving or missing tag with `IfNotPresent`/`Never`). Unlike KICS it does not require `Always` everywhere: with an immutable version or digest, `IfNotPresent` is the better choice.',
  },
  check: {
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        for (const c of pod.containers) {
          const policy = c.raw.get('imagePullPolicy')?.str();
          const ref = c.image;
          if (!policy || !ref || policy.dynamic || ref.dynamic) continue;
          if (policy.value !== 'IfNotPresent' && policy.value !== 'Never') continue;
          if (ref.digest || isPlaceholderImage(ref)) continue;
          if (!ref.tag || MOVING.test(ref.tag)) {
            ctx.report({ range: policy.range, message: `Container "${c.name}" uses the moving image reference "${ref.raw}" with imagePullPolicy: ${policy.value}: nodes keep whichever build they pulled first. Pin a version or digest, or pull Always.` });
          }
        }
      }
    },
  },
});
