import * as nodePath from 'path';
import { snippetEscape } from '../../engine/fix';
import { defineRule, Fix, Model, RuleContext } from '../../engine/rule';
import type { ImageRef } from '../../model/common';
import type { ComposeModel } from '../../model/compose';
import type { DockerfileModel } from '../../model/dockerfile';
import type { SourceText } from '../../model/range';
import { allContainers, KubernetesModel } from '../../model/kubernetes';
import { catalogueQuery } from '../../workspace/catalogue';
import { defaultImageOf, FloatingTag, floatingTagOf, isPlaceholderImage } from '../../knowledge/image';

type Problem = FloatingTag | 'no-digest';

function problemOf(ref: ImageRef, requireDigests: boolean): Problem | undefined {
  // `<YOUR-IMAGE>`-style placeholders are instructions to the reader, not references.
  // Placeholders a build or a doc reader replaces (`{IMAGE}`, `<image>`, `registry.example.com/app`).
  if (ref.dynamic || ref.digest || isPlaceholderImage(ref)) return undefined;
  return floatingTagOf(ref) ?? (requireDigests ? 'no-digest' : undefined);
}

/** `docker.io/library/node` and `node` are the same repository. */
function repoKey(ref: ImageRef): string {
  const registry = (ref.registry ?? 'docker.io').toLowerCase().replace(/^(?:index|registry-1)\.docker\.io$/, 'docker.io');
  const repo = ref.repository.toLowerCase();
  return `${registry}/${registry === 'docker.io' && !repo.includes('/') ? 'library/' + repo : repo}`;
}

function describe(ref: ImageRef, problem: Problem): string {
  if (problem === 'no-tag') return `Image "${ref.raw}" has no tag, so it means \`latest\`: whatever was pushed last`;
  if (problem === 'channel') return `Image "${ref.raw}" uses the channel tag \`${ref.tag}\`, which points to a new release without notice`;
  if (problem === 'variant') return `Image "${ref.raw}" uses the variant tag \`${ref.tag}\` with no version in it: like \`latest\`, it moves to every new release of ${ref.repository}`;
  return `Image "${ref.raw}" is not pinned by digest (the project requires digests)`;
}

/** Compose files a Dockerfile or another Compose file may sit beside (the names `docker compose` looks for, and overrides). */
const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml', 'compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

interface Known { ref: ImageRef; where: string }

/** FROM images of a Dockerfile (stages that name earlier stages have none). */
function dockerfileImages(m: DockerfileModel | undefined): ImageRef[] {
  return (m?.stages ?? []).map((s) => s.image).filter((r): r is ImageRef => !!r);
}

/** Images a Compose file pulls, and the FROM images of the Dockerfiles it builds (paths relative to the analysed file). */
function composeImages(m: ComposeModel, dir: string, ctx: RuleContext, self: string, pulled = true): Known[] {
  const out: Known[] = [];
  const shown = (p: string) => nodePath.normalize(p);
  for (const s of m.services) {
    if (pulled && s.image && !s.build) out.push({ ref: s.image, where: shown(nodePath.join(dir, nodePath.basename(m.uri))) });
    const context = s.build?.context?.value ?? (s.build ? '.' : undefined);
    if (context === undefined || s.build?.inline || /[$:]/.test(context)) continue;
    const file = s.build?.dockerfile?.value ?? 'Dockerfile';
    const df = nodePath.isAbsolute(file) ? file : nodePath.join(dir, context, file);
    if (nodePath.resolve(nodePath.dirname(ctx.path), df) === self) continue;
    for (const ref of dockerfileImages(ctx.modelOf(df, 'dockerfile') as DockerfileModel | undefined)) out.push({ ref, where: shown(df) });
  }
  return out;
}

/**
 * Images used by other files of the workspace that this file can name: for a Dockerfile, the Compose
 * files beside it or up to two folders up and the Dockerfiles they build; for a Compose file, the
 * Dockerfiles it builds and the other standard Compose files beside it; for every kind, the manifests
 * of the workspace index (when the host has one). Read only when a fix is asked for.
 */
function workspaceImages(kind: 'dockerfile' | 'compose' | 'kubernetes', ctx: RuleContext, model: Model): Known[] {
  const out: Known[] = [];
  const self = nodePath.resolve(ctx.path);
  const dirs = kind === 'dockerfile' ? ['.', '..', nodePath.join('..', '..')] : kind === 'compose' ? ['.'] : [];
  if (model.kind === 'compose') out.push(...composeImages(model, '.', ctx, self, false));
  for (const dir of dirs) {
    for (const n of COMPOSE_NAMES) {
      const file = nodePath.join(dir, n);
      if (nodePath.resolve(nodePath.dirname(ctx.path), file) === self) continue;
      const m = ctx.modelOf(file, 'compose') as ComposeModel | undefined;
      if (m) out.push(...composeImages(m, dir, ctx, self));
    }
  }
  const catalogue = ctx.modelOf(catalogueQuery(ctx.path), 'kubernetes') as KubernetesModel | undefined;
  for (const o of catalogue?.objects ?? []) {
    for (const c of o.workload ? allContainers(o.workload) : []) if (c.image) out.push({ ref: c.image, where: `${o.kind} "${o.name ?? c.name}"` });
  }
  return out;
}

/** Release tags known for the image's repository: this file's first, then other files', most used first. */
function candidateTags(ref: ImageRef, all: ImageRef[], others: () => Known[]): { tag: string; where?: string }[] {
  const key = repoKey(ref);
  const usable = (o: ImageRef) => o !== ref && !o.dynamic && !!o.tag && !o.raw.includes('$') && !floatingTagOf(o) && repoKey(o) === key;
  const ranked = (refs: { tag: string; where?: string }[]) => {
    const count = new Map<string, { tag: string; where?: string; n: number }>();
    for (const r of refs) { const c = count.get(r.tag); if (c) c.n++; else count.set(r.tag, { ...r, n: 1 }); }
    return [...count.values()].sort((a, b) => b.n - a.n).map(({ tag, where }) => ({ tag, where }));
  };
  const here = ranked(all.filter(usable).map((o) => ({ tag: o.tag! })));
  const there = ranked(others().filter((k) => usable(k.ref)).map((k) => ({ tag: k.ref.tag!, where: k.where })));
  return [...here, ...there.filter((t) => !here.some((h) => h.tag === t.tag))].slice(0, 3);
}

/**
 * Replaces the tag with one already used for this repository, the likeliest intended version: in the
 * same file first, then in the workspace files this file can see (Compose files beside a Dockerfile,
 * Dockerfiles a Compose file builds, the workspace's manifests). Offered only when the image is written
 * literally (not through an ARG).
 */
function tagFix(ref: ImageRef, problem: Problem, all: ImageRef[], source: SourceText, others: () => Known[]): (() => Fix[]) | undefined {
  if (problem === 'no-digest' || ref.raw.includes('$')) return undefined;
  const written = source.slice(ref.range);
  const raw = ref.raw.trim();
  const at = written.indexOf(raw);
  if (at < 0) return undefined;
  const base = ref.tag ? raw.slice(0, raw.lastIndexOf(':')) : raw;
  const startOffset = source.offsetAt(ref.range.start) + at;
  const range = source.range(startOffset, startOffset + raw.length);
  return () => {
    const known: Fix[] = candidateTags(ref, all, others).map(({ tag, where }) => ({
      title: `Use tag "${tag}" (already used for ${ref.repository} ${where ? `in ${where}` : 'in this file'})`,
      safety: 'unsafe' as const,
      edits: [{ range, newText: `${base}:${tag}` }],
    }));
    if (known.length) return known;
    // No release is known anywhere: the editor lets the user type it in place (fix-all never guesses one).
    return [{ title: `Pin ${ref.repository} to a release tag (type the version)`, safety: 'unsafe', snippet: true, edits: [{ range, newText: `${snippetEscape(base)}:\${1:VERSION}` }] }];
  };
}

/**
 * `app:${TAG:-unstable}`: the variables are unknown, but the fallback written in the file is what runs
 * wherever they are unset. Reported as information, since the deployment may always set them.
 */
function checkDefault(ref: ImageRef, ctx: RuleContext, advice: string): void {
  const fallback = defaultImageOf(ref);
  const problem = fallback && floatingTagOf(fallback);
  if (!fallback || !problem || problem === 'no-tag' && !fallback.repository) return;
  const tag = problem === 'no-tag' ? 'no tag (`latest`)' : `the ${problem} tag \`${fallback.tag}\``;
  ctx.report({
    range: ref.range, severity: 'info',
    message: `Image "${ref.raw}" falls back to "${fallback.raw}" when its variables are unset: ${tag}, which moves to new releases without notice. ${advice.replace(/\.$/, '')}, in the default too.`,
  });
}

function check(ref: ImageRef, all: ImageRef[], source: SourceText, ctx: RuleContext, model: Model, kind: 'dockerfile' | 'compose' | 'kubernetes', advice: string, extra = ''): void {
  if (ref.dynamic && !ref.raw.includes('$')) return;
  if (ref.dynamic) { checkDefault(ref, ctx, advice); return; }
  const problem = problemOf(ref, ctx.settings.requireDigests);
  if (!problem) return;
  ctx.report({
    range: ref.range,
    message: `${describe(ref, problem)}${extra}. ${problem === 'no-digest' ? 'Add `@sha256:...`' : advice}`,
    fix: tagFix(ref, problem, all, source, () => workspaceImages(kind, ctx, model)),
  });
}

export default defineRule({
  id: 'unpinned-image',
  title: 'Image without a fixed version',
  category: 'dependencies',
  principle: 'dependencies',
  severity: 'warning',
  fix: 'unsafe',
  crossDocument: true,
  peers: {
    hadolint: ['DL3006', 'DL3007'], kics: ['image_version_not_explicit', 'image_version_using_latest', 'invalid_image'],
    checkov: ['CKV_DOCKER_7', 'CKV_K8S_14'], kubeLinter: ['latest-tag'], polaris: ['tagNotSpecified'], kubeScore: ['container-image-tag'],
    trivy: ['DS-0001', 'KSV-0013'], dclint: ['service-image-require-explicit-tag'],
  },
  docs: {
    why: 'An image without a tag, or with `latest`, is whatever the publisher pushed most recently. A rebuild or a node that pulls the image for the first time silently gets a different operating system, runtime or database major version than the one that was tested, and rolling back means guessing which version ran before. Builder stages matter too: they compile what ships.',
    bad: { lang: 'dockerfile', code: 'FROM golang AS build\nRUN go build -o /app ./cmd/api\nFROM alpine:latest\nCOPY --from=build /app /app' },
    good: { lang: 'dockerfile', code: 'FROM golang:1.22.1 AS build\nRUN go build -o /app ./cmd/api\nFROM alpine:3.19.1\nCOPY --from=build /app /app' },
    notes: 'Checks Dockerfile FROM in every stage (ARG defaults resolved), Compose `image:` and Kubernetes container and init-container images. Also flags channel tags that move by design (`stable`, `lts`, `current`, `edge`, `nightly`, `mainline`, `rolling`, `unstable`, `canary`, `beta`, `dev`, `test`, ...) and variant-only tags (`redis:alpine`, `nginx:alpine-slim`, `nextcloud:apache`, `postgres:bookworm`): a tag with no version number in it follows every new release like `latest`. The tag\'s shape decides, not a list of images: any digit makes it a version (`16.4-alpine`, `v3`, `alpine3.20`); a distribution\'s own codename (`debian:bookworm`, `ubuntu:noble`) is its release. A reference built from variables whose written fallback floats (`app:${TAG:-unstable}`) is reported as information, since the deployment may set them. Not flagged: digest-pinned images, `<placeholder>` images, `scratch`, FROM of an earlier stage, images built from variables without a fallback or from Helm values (unknown until deploy), and a Compose service with `build:` whose `image:` names the image it builds. With the `requireDigests` setting, tagged images without `@sha256:` are reported too. The quick fixes (unsafe: they change what runs) replace the tag with a release tag already used for the same repository: in this file first, then in the workspace files it is connected to (the Compose files beside a Dockerfile or up to two folders up and the Dockerfiles they build, the Dockerfiles a Compose file builds and the standard Compose files beside it, and the workspace\'s Kubernetes manifests when the editor has indexed them), up to three, most used first. Without such a tag the editor offers to type the version in place (a snippet with the tag selected); `seaworthy fix` and fix-all never guess a version.',
  },
  check: {
    dockerfile(model, ctx) {
      const refs = model.stages.map((s) => s.image).filter((r): r is ImageRef => !!r);
      for (const stage of model.stages) {
        const ref = stage.image;
        if (!ref) continue;
        const viaArg = ref.raw.includes('$') ? ` (from the ARG default, resolved to "${[ref.registry, ref.repository].filter(Boolean).join('/')}${ref.tag ? ':' + ref.tag : ''}")` : '';
        const name = [ref.registry, ref.repository].filter(Boolean).join('/');
        check(ref, refs, model.source, ctx, model, 'dockerfile', `Pin a release tag (\`${name}:<version>\`) or a digest.`, viaArg);
      }
    },
    compose(model, ctx) {
      const refs = model.services.map((s) => s.image).filter((r): r is ImageRef => !!r);
      for (const s of model.services) {
        // With `build:`, `image:` is the name given to the image Compose builds, not something pulled.
        if (!s.image || s.build) continue;
        check(s.image, refs, model.source, ctx, model, 'compose', `Pin a release tag for service "${s.name}" (or a digest).`);
      }
    },
    kubernetes(model, ctx) {
      const containers = model.objects.flatMap((o) => (o.workload ? allContainers(o.workload) : []));
      const refs = containers.map((c) => c.image).filter((r): r is ImageRef => !!r);
      for (const c of containers) {
        if (c.image) check(c.image, refs, model.source, ctx, model, 'kubernetes', `Pin a release tag for container "${c.name}" (or a digest).`);
      }
    },
  },
});
