import * as nodePath from 'path';
import { defineRule, RuleContext } from '../../engine/rule';
import type { Located } from '../../model/common';
import { gitSource, isMovingRef } from '../build-run/stages';

/** How many folders above the Compose file the repository root is (`.git` folder or file), if found. */
function repoDepth(ctx: RuleContext): number | undefined {
  for (let up = 0; up <= 12; up++) {
    if (ctx.fileExists(nodePath.join('../'.repeat(up) || '.', '.git'))) return up;
  }
  return undefined;
}

/** Leading `..` segments of a normalised relative path. */
function levelsUp(p: string): number {
  const parts = nodePath.posix.normalize(p.replace(/\\/g, '/')).split('/');
  let n = 0;
  while (parts[n] === '..') n++;
  return n;
}

function checkContext(ctx: RuleContext, service: string, l: Located, what: string, depth: () => number | undefined): void {
  if (l.dynamic) return;
  const value = l.value.trim();
  const git = gitSource(value);
  if (git) {
    if (!isMovingRef(git.ref)) return;
    ctx.report({
      range: l.range,
      message: `Service "${service}" ${what} the repository ${git.repo} at ${git.ref ? `the moving branch "${git.ref}"` : 'its default branch'}: the image is built from code outside this repository that changes under the same Compose file, so builds are not repeatable. Pin a tag or commit (\`${git.repo}#v1.2.3\`) or keep the code in this repository.`,
    });
    return;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\/|^(?:service|docker-image|oci-layout):/i.test(value) || nodePath.isAbsolute(value)) return;
  const up = levelsUp(value);
  if (up === 0 || !ctx.fileExists(value)) return;
  const root = depth();
  if (root !== undefined) {
    if (up <= root) return;
    ctx.report({
      range: l.range,
      message: `Service "${service}" ${what} ${value}, outside the repository that holds this Compose file: the image depends on whatever another checkout next to it contains, which no commit of this repository records. Move the code into this repository or build that image in its own repository and reference it by a versioned tag.`,
    });
    return;
  }
  if (up < 2) return;
  ctx.report({
    range: l.range,
    severity: 'info',
    message: `Service "${service}" ${what} ${value}, ${up} folders above this Compose file: if that is outside this repository, the image depends on another checkout that no commit here records. Keep build contexts inside the repository, or reference the other project's image by a versioned tag.`,
  });
}

export default defineRule({
  id: 'build-context-outside-repo',
  title: 'Compose builds from outside the repository',
  category: 'codebase',
  principle: 'codebase',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A Compose file should build its images from the code of the repository it lives in. A `build.context` that climbs out of the repository (`../../other-service`) or names a git repository without a pinned ref builds from code no commit of this repository records: a fresh clone or CI runner does not have the sibling checkout, two developers build different images from the same commit, and a rollback cannot restore what was built.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    build: ../../payments-service\n  worker:\n    build: https://github.com/acme/worker.git' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: ghcr.io/acme/payments-service:2.3.1   # built and versioned in its own repository\n  worker:\n    build: https://github.com/acme/worker.git#v1.8.0' },
    notes: 'Checks `build.context` (and the short form `build: <path>`) and `build.additional_contexts`. Git contexts are reported when they have no `#ref` or a branch name such as `main`/`master`. A local context is reported when it leads above the repository root, found by looking for `.git` above the Compose file; when no repository is found, contexts two or more folders up are reported as info. Contexts that do not exist are `missing-build-context`\'s; `${VAR}` paths, absolute paths and `service:`/`docker-image:` contexts are skipped.',
  },
  check: {
    compose(model, ctx) {
      let cached: { v: number | undefined } | undefined;
      const depth = () => (cached ??= { v: repoDepth(ctx) }).v;
      for (const s of model.services) {
        if (s.build?.context) checkContext(ctx, s.name, s.build.context, 'builds from', depth);
        const extra = s.raw.get('build')?.get('additional_contexts');
        for (const e of extra?.entries() ?? []) { const v = e.value.str(); if (v) checkContext(ctx, s.name, v, `takes the additional build context "${e.key}" from`, depth); }
        for (const item of extra?.items() ?? []) {
          const v = item.str();
          const eq = v ? v.value.indexOf('=') : -1;
          if (v && eq > 0) checkContext(ctx, s.name, { ...v, value: v.value.slice(eq + 1) }, `takes an additional build context from`, depth);
        }
      }
    },
  },
});
