import * as nodePath from 'path';
import { defineRule } from '../../engine/rule';
import { endsWithGitRef } from '../../knowledge/text';
import { resolvesFromProjectAbove } from '../../knowledge/compose-files';

/** Remote build contexts (git repositories, tarball URLs, other services' images): nothing local to check. */
function isRemote(context: string): boolean {
  return /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/|service:|docker-image:)/i.test(context) || endsWithGitRef(context) || context.includes('.git#');
}

/** Default Dockerfile names BuildKit and Podman look for in a context. */
const DEFAULT_NAMES = ['Dockerfile', 'Containerfile', 'dockerfile'];

export default defineRule({
  id: 'missing-build-context',
  title: 'Compose build context or Dockerfile does not exist',
  category: 'dependencies',
  principle: 'build-release-run',
  severity: 'error',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A `build:` that points at a folder that is not in the repository, or at a Dockerfile name that does not exist there, fails `docker compose build` and `up --build` on every fresh clone and in CI, usually after a folder was renamed or a Dockerfile moved. Paths are relative to the Compose file, not to where the command is run, which makes the mistake easy to miss locally.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    build:\n      context: ./backend   # folder was renamed to ./api\n      dockerfile: Dockerfile.prod' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    build:\n      context: ./api\n      dockerfile: Dockerfile.prod' },
    notes: 'Checks that the context folder exists (relative to the Compose file) and holds the Dockerfile: `build.dockerfile` when given (relative to the context), otherwise `Dockerfile` (a `Containerfile` is accepted too). Not checked: `dockerfile_inline`, remote contexts (git URLs, `https://` tarballs), and paths built from variables.',
  },
  check: {
    compose(model, ctx) {
      for (const s of model.services) {
        const b = s.build;
        if (!b) continue;
        const context = b.context;
        const dir = context?.value.trim() || '.';
        if (context?.dynamic || isRemote(dir)) continue;
        if (!ctx.fileExists(dir)) {
          const above = resolvesFromProjectAbove(ctx.path, dir, (f) => ctx.fileExists(f));
          if (above !== undefined) {
            ctx.report({
              range: context?.range ?? b.range, severity: 'warning',
              message: `Service "${s.name}" builds from "${dir}", which does not exist next to this Compose file but does from ${above}, whose Compose project this file is probably merged into (\`-f\`) or copied to. Run it from there, or make the path relative to this file.`,
            });
            continue;
          }
          ctx.report({
            range: context?.range ?? b.range,
            message: `Service "${s.name}" builds from "${dir}", which does not exist next to this Compose file. Fix the path (it is relative to the Compose file's folder).`,
          });
          continue;
        }
        if (b.inline) continue;
        const df = b.dockerfile;
        if (df) {
          if (df.dynamic) continue;
          const path = nodePath.isAbsolute(df.value) ? df.value : nodePath.join(dir, df.value);
          if (!ctx.fileExists(path)) {
            ctx.report({ range: df.range, message: `Service "${s.name}": Dockerfile "${df.value}" does not exist in the build context "${dir}" (the name is relative to the context).` });
          }
          continue;
        }
        if (!DEFAULT_NAMES.some((n) => ctx.fileExists(nodePath.join(dir, n)))) {
          ctx.report({
            range: context?.range ?? b.range,
            message: `Service "${s.name}" builds from "${dir}", but it has no Dockerfile. Add one, or name it with \`build.dockerfile\`.`,
          });
        }
      }
    },
  },
});
