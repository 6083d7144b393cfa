import { defineRule, RuleContext } from '../../engine/rule';
import type { ImageRef } from '../../model/common';
import { isUnpinned } from '../../knowledge/image';

function judge(ref: ImageRef | undefined, where: string, ctx: RuleContext): void {
  // Untagged and `latest` images are unpinned-image findings already; this rule adds the digest policy.
  if (!ctx.settings.requireDigests || !ref || ref.dynamic || ref.digest || isUnpinned(ref)) return;
  ctx.report({ range: ref.range, message: `${where} "${ref.raw}" is pinned by the tag "${ref.tag}" only; this project requires digests (requireDigests). Append @sha256:<digest> so the tag cannot be moved under you.` });
}

export default defineRule({
  id: 'mutable-image-tag',
  title: 'Image pinned by a mutable tag where digests are required',
  category: 'versioning',
  principle: 'versioning',
  severity: 'warning',
  fix: 'none',
  peers: { kics: ['image_without_digest'], checkov: ['CKV_K8S_43'], kubeScore: ['container-image-tag'] },
  docs: {
    why: 'A tag is a pointer that its publisher can move: `postgres:16.2` may be rebuilt with a different base, and a compromised registry account can push anything under it. A digest names exactly one image. Teams that need reproducible, auditable deployments require digests; this rule enforces that when `requireDigests: true` is set in `.seaworthy.yaml`.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: db\n    image: postgres:16.2' },
    good: { lang: 'yaml', code: 'containers:\n  - name: db\n    image: postgres:16.2@sha256:4aea012537edfad80f98d870a36e6b90b4c09b27be7f4b4759d72db863baeebb' },
    notes: 'Silent unless `requireDigests: true` is configured. Untagged and `latest` images are reported by `unpinned-image` instead.',
  },
  check: {
    dockerfile(model, ctx) { for (const s of model.stages) judge(s.image, `Stage ${s.name ? `"${s.name}" ` : ''}base image`, ctx); },
    compose(model, ctx) { for (const s of model.services) if (!s.build) judge(s.image, `Service "${s.name}" image`, ctx); },
    kubernetes(model, ctx) {
      for (const o of model.objects) for (const c of [...(o.workload?.podSpec.initContainers ?? []), ...(o.workload?.podSpec.containers ?? [])]) judge(c.image, `Container "${c.name}" image`, ctx);
    },
  },
});
