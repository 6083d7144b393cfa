import { defineRule } from '../../engine/rule';
import type { Located } from '../../model/common';
import { envFileMadeElsewhere, resolvesFromProjectAbove } from '../../knowledge/compose-files';

export default defineRule({
  id: 'missing-referenced-file',
  title: 'Compose env_file, extends or include names a file that does not exist',
  category: 'config',
  principle: 'config',
  severity: 'error',
  fix: 'none',
  peers: {},
  docs: {
    why: '`docker compose up` stops with "env file … not found" (or "no such file") when an `env_file:`, `extends.file` or `include:` entry points at a file that is not there. Environment files are usually untracked on purpose, so the Compose file works on the machine where it was written and fails on every fresh clone and in CI, where the configuration the service expects was never provided.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    env_file: ./api.env   # untracked, not in the repository' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    env_file:\n      - path: ./api.env\n        required: false   # Compose 2.24+: optional file\n    environment:\n      DATABASE_URL: ${DATABASE_URL:?set DATABASE_URL}' },
    notes: 'Paths are relative to the Compose file. Not reported: `required: false` env files, paths with variables, and remote `include:` sources (git or OCI). Commit a `*.env.example` and document the copy step, or use `required: false` with explicit `${VAR:?message}` defaults.',
  },
  check: {
    compose(model, ctx) {
      const check = (p: Located | undefined, what: string) => {
        if (!p || p.dynamic || !p.value.trim() || /^[a-z][a-z0-9+.-]*:\/\/|^(?:git@|oci:)/i.test(p.value)) return;
        if (ctx.fileExists(p.value.trim())) return;
        // Made elsewhere or resolved from the project this file is merged into: a warning with the reason.
        const above = resolvesFromProjectAbove(ctx.path, p.value.trim(), (f) => ctx.fileExists(f));
        const elsewhere = envFileMadeElsewhere(p.value.trim());
        if (above !== undefined || (elsewhere && what.includes('env'))) {
          const why = above !== undefined
            ? `it exists from ${above}, whose Compose project this file is probably merged into (\`-f\`) or copied to, and relative paths then resolve from there`
            : elsewhere;
          ctx.report({ range: p.range, severity: 'warning', message: `${what} "${p.value.trim()}" does not exist next to this Compose file; ${why}. Run it from there, or mark env files \`required: false\`.` });
          return;
        }
        ctx.report({ range: p.range, message: `${what} "${p.value.trim()}" does not exist next to this Compose file, so \`docker compose up\` fails on every checkout without it. Commit the file, fix the path, or (for env files) mark it \`required: false\`.` });
      };
      for (const s of model.services) {
        for (const item of s.raw.get('env_file')?.items() ?? []) {
          if (item.get('required')?.bool()?.value === false) continue;
          check(item.str() ?? item.get('path')?.str(), `Service "${s.name}": env_file`);
        }
        check(s.raw.get('env_file')?.str(), `Service "${s.name}": env_file`);
        check(s.raw.get('extends')?.get('file')?.str(), `Service "${s.name}": extends file`);
      }
      for (const inc of model.root?.get('include')?.items() ?? []) {
        const paths = inc.str() ? [inc.str()] : [inc.get('path')?.str(), ...(inc.get('path')?.items() ?? []).map((i) => i.str())];
        for (const p of paths) check(p, 'Included Compose file');
        check(inc.get('env_file')?.str(), 'Included env file');
      }
    },
  },
});
