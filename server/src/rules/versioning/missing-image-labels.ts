import { defineRule } from '../../engine/rule';
import type { Stage } from '../../model/dockerfile';

const REQUIRED = ['org.opencontainers.image.source', 'org.opencontainers.image.revision', 'org.opencontainers.image.version'];

function labels(stage: Stage): Set<string> {
  const out = new Set<string>();
  for (let s: Stage | undefined = stage; s; s = s.parent) {
    for (const ins of s.instructions) if (ins.keyword === 'LABEL') for (const p of ins.properties) out.add(p.name.replace(/^["']|["']$/g, ''));
  }
  return out;
}

export default defineRule({
  id: 'missing-image-labels',
  title: 'Image without OCI version labels',
  category: 'versioning',
  principle: 'versioning',
  severity: 'info',
  set: 'strict', setReason: 'Policy: OCI labels help trace an image to its commit, but most images run fine without them, and registries or CI often add them at push time.',
  fix: 'none',
  peers: { hadolint: ['DL3049'], checkov: ['CKV_DOCKER_7'] },
  docs: {
    why: 'When an incident happens, the first question is "which code is running?". OCI labels `org.opencontainers.image.source`, `.revision` and `.version`, set from build arguments by CI, answer it from the image itself (`docker inspect`, registries, scanners), and let a rollback pick the right previous image.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nCOPY . /app\nCMD ["node", "/app/server.js"]' },
    good: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nARG VERSION=dev\nARG REVISION=unknown\nLABEL org.opencontainers.image.source="https://git.example.com/shop/api" \\\n      org.opencontainers.image.revision=$REVISION \\\n      org.opencontainers.image.version=$VERSION\nCOPY . /app\nCMD ["node", "/app/server.js"]' },
    notes: 'Checks the final stage (labels inherited from its FROM-ancestor stages count). Images built with `docker buildx --label` or `--annotation` get the labels from CI instead: silence the rule for the file in that case.',
  },
  check: {
    dockerfile(model, ctx) {
      const final = model.stages[model.stages.length - 1];
      if (!final) return;
      const have = labels(final);
      const missing = REQUIRED.filter((l) => !have.has(l));
      if (missing.length === REQUIRED.length) {
        ctx.report({ range: final.from.range, message: `The image has no OCI version labels (${missing.join(', ')}): a running container cannot tell which code it runs. Set them from build arguments in CI.` });
      }
    },
  },
});
