import { defineRule, Fix, RuleContext } from '../../engine/rule';
import type { ImageRef } from '../../model/common';
import type { SourceText } from '../../model/range';
import { allContainers } from '../../model/kubernetes';

/** Tags that name a channel rather than a release: they move to a new version without notice. */
const MOVING_TAGS = new Set(['latest', 'stable', 'lts', 'current', 'edge', 'nightly', 'mainline', 'rolling']);

type Problem = 'no-tag' | 'moving-tag' | 'no-digest';

function problemOf(ref: ImageRef, requireDigests: boolean): Problem | undefined {
  // `<YOUR-IMAGE>`-style placeholders are instructions to the reader, not references.
  if (ref.dynamic || ref.digest || /[<>]/.test(ref.raw)) return undefined;
  if (!ref.tag) return 'no-tag';
  if (MOVING_TAGS.has(ref.tag.toLowerCase())) return 'moving-tag';
  return requireDigests ? 'no-digest' : undefined;
}

/** `docker.io/library/node` and `node` are the same repository. */
function repoKey(ref: ImageRef): string {
  const registry = (ref.registry ?? 'docker.io').toLowerCase().replace(/^(?:index|registry-1)\.docker\.io$/, 'docker.io');
  const repo = ref.repository.toLowerCase();
  return `${registry}/${registry === 'docker.io' && !repo.includes('/') ? 'library/' + repo : repo}`;
}

function describe(ref: ImageRef, problem: Problem): string {
  if (problem === 'no-tag') return `Image "${ref.raw}" has no tag, so it means \`latest\`: whatever was pushed last`;
  if (problem === 'moving-tag') return `Image "${ref.raw}" uses the moving tag \`${ref.tag}\`, which points to a new release without notice`;
  return `Image "${ref.raw}" is not pinned by digest (the project requires digests)`;
}

/**
 * Replaces the tag with one the same file already uses for this repository, the likeliest intended
 * version. Offered only when the image is written literally (not through an ARG).
 */
function tagFix(ref: ImageRef, problem: Problem, all: ImageRef[], source: SourceText): (() => Fix | undefined) | undefined {
  if (problem === 'no-digest' || ref.raw.includes('$')) return undefined;
  const key = repoKey(ref);
  const tags = [...new Set(all.filter((o) => o !== ref && !o.dynamic && o.tag && !MOVING_TAGS.has(o.tag.toLowerCase()) && repoKey(o) === key).map((o) => o.tag!))];
  if (tags.length !== 1) return undefined;
  const written = source.slice(ref.range);
  const at = written.indexOf(ref.raw.trim());
  if (at < 0) return undefined;
  const raw = ref.raw.trim();
  const base = ref.tag ? raw.slice(0, raw.lastIndexOf(':')) : raw;
  const startOffset = source.offsetAt(ref.range.start) + at;
  return () => ({
    title: `Use tag "${tags[0]}" (already used for ${ref.repository} in this file)`,
    safety: 'unsafe',
    edits: [{ range: source.range(startOffset, startOffset + raw.length), newText: `${base}:${tags[0]}` }],
  });
}

function check(ref: ImageRef, all: ImageRef[], source: SourceText, ctx: RuleContext, advice: string, extra = ''): void {
  const problem = problemOf(ref, ctx.settings.requireDigests);
  if (!problem) return;
  ctx.report({
    range: ref.range,
    message: `${describe(ref, problem)}${extra}. ${problem === 'no-digest' ? 'Add `@sha256:...`' : advice}`,
    fix: tagFix(ref, problem, all, source),
  });
}

export default defineRule({
  id: 'unpinned-image',
  title: 'Image without a fixed version',
  category: 'dependencies',
  principle: 'dependencies',
  severity: 'warning',
  fix: 'unsafe',
  peers: {
    hadolint: ['DL3006', 'DL3007'], kics: ['image_version_not_explicit', 'image_version_using_latest', 'invalid_image'],
    checkov: ['CKV_DOCKER_7', 'CKV_K8S_14'], kubeLinter: ['latest-tag'], polaris: ['tagNotSpecified'], kubeScore: ['container-image-tag'],
    trivy: ['DS-0001', 'KSV-0013'], dclint: ['service-image-require-explicit-tag'],
  },
  docs: {
    why: 'An image without a tag, or with `latest`, is whatever the publisher pushed most recently. A rebuild or a node that pulls the image for the first time silently gets a different operating system, runtime or database major version than the one that was tested, and rolling back means guessing which version ran before. Builder stages matter too: they compile what ships.',
    bad: { lang: 'dockerfile', code: 'FROM golang AS build\nRUN go build -o /app ./cmd/api\nFROM alpine:latest\nCOPY --from=build /app /app' },
    good: { lang: 'dockerfile', code: 'FROM golang:1.22.1 AS build\nRUN go build -o /app ./cmd/api\nFROM alpine:3.19.1\nCOPY --from=build /app /app' },
    notes: 'Checks Dockerfile FROM in every stage (ARG defaults resolved), Compose `image:` and Kubernetes container and init-container images. Also flags channel tags that move by design (`stable`, `lts`, `current`, `edge`, `nightly`, `mainline`, `rolling`). Not flagged: digest-pinned images, `<placeholder>` images, `scratch`, FROM of an earlier stage, images built from variables or Helm values (unknown until deploy), and a Compose service with `build:` whose `image:` names the image it builds. With the `requireDigests` setting, tagged images without `@sha256:` are reported too. The quick fix (unsafe: it changes what runs) replaces the tag with the one tag this file already uses for the same repository, when there is exactly one.',
  },
  check: {
    dockerfile(model, ctx) {
      const refs = model.stages.map((s) => s.image).filter((r): r is ImageRef => !!r);
      for (const stage of model.stages) {
        const ref = stage.image;
        if (!ref) continue;
        const viaArg = ref.raw.includes('$') ? ` (from the ARG default, resolved to "${[ref.registry, ref.repository].filter(Boolean).join('/')}${ref.tag ? ':' + ref.tag : ''}")` : '';
        check(ref, refs, model.source, ctx, 'Pin a release tag (e.g. `node:20.11-alpine`) or a digest.', viaArg);
      }
    },
    compose(model, ctx) {
      const refs = model.services.map((s) => s.image).filter((r): r is ImageRef => !!r);
      for (const s of model.services) {
        // With `build:`, `image:` is the name given to the image Compose builds, not something pulled.
        if (!s.image || s.build) continue;
        check(s.image, refs, model.source, ctx, `Pin a release tag for service "${s.name}" (or a digest).`);
      }
    },
    kubernetes(model, ctx) {
      const containers = model.objects.flatMap((o) => (o.workload ? allContainers(o.workload) : []));
      const refs = containers.map((c) => c.image).filter((r): r is ImageRef => !!r);
      for (const c of containers) {
        if (c.image) check(c.image, refs, model.source, ctx, `Pin a release tag for container "${c.name}" (or a digest).`);
      }
    },
  },
});
