import * as path from 'path';
import { defineRule, RuleContext } from '../../engine/rule';
import type { Instruction, Stage } from '../../model/dockerfile';
import type { BuildContext, ShippedFile } from '../../workspace/build-context';
import { copyOperands } from '../build-run/stages';

/** How many shipped files a message names before "and N more". */
const NAMED = 5;

function stageLabel(stage: Stage): string {
  return stage.name ? `stage "${stage.name}"` : `stage ${stage.index + 1}`;
}

function contextLabel(c: BuildContext, dockerfile: string): string {
  const rel = path.relative(path.dirname(dockerfile), c.dir).split(path.sep).join('/') || '.';
  return c.via ? `the context \`${rel}\` that ${path.basename(c.via.file)} (service \`${c.via.service}\`) builds with` : 'the build context (this folder)';
}

function ignoreLabel(c: BuildContext): string {
  return c.ignoreFile ? `\`${path.basename(c.ignoreFile)}\` does not exclude` : 'no `.dockerignore` excludes';
}

function listed(files: ShippedFile[]): string {
  const shown = files.slice(0, NAMED).map((f) => `\`${f.path}\` (${f.what})`).join(', ');
  return files.length > NAMED ? `${shown} and ${files.length - NAMED} more` : shown;
}

function check(ins: Instruction, stage: Stage, contexts: readonly BuildContext[], ctx: RuleContext, source: Parameters<typeof copyOperands>[1]): void {
  if (ins.flags.some((f) => f.name.toLowerCase() === 'from')) return;
  const ops = copyOperands(ins, source);
  const whole = ops?.sources.find((s) => !s.dynamic && /^\.\/?$/.test(s.value));
  if (!ops || !whole) return;
  for (const c of contexts) {
    // A stage that does not ship keeps its files in the build cache only: what matters there is a secret
    // (`.git` in a builder stage is often wanted: Go stamps the build with its VCS information).
    const named = stage.ships ? c.shipped : c.shipped.filter((f) => f.kind === 'secret');
    if (!named.length) continue;
    const secrets = named.filter((f) => f.kind === 'secret');
    const severity = secrets.length && stage.ships ? 'warning' : 'info';
    const into = stage.ships ? 'the shipped image' : `${stageLabel(stage)} (not shipped, but kept in the build cache and in any image built with \`--target\`)`;
    const ordered = [...secrets, ...named.filter((f) => f.kind !== 'secret')];
    ctx.report({
      range: whole.range, severity, namesSecretHolder: secrets.length > 0,
      message: `${ins.keyword} ${whole.value} copies ${contextLabel(c, ctx.path)} into ${into}, and ${ignoreLabel(c)} ${listed(ordered)}. Add ${ordered.length === 1 ? 'it' : 'them'} to ${c.ignoreFile ? `\`${path.basename(c.ignoreFile)}\`` : 'a `.dockerignore`'}.`,
      fix: () => {
        const file = c.ignoreFile ?? path.join(c.dir, '.dockerignore');
        return {
          title: `Exclude ${ordered.length === 1 ? `\`${ordered[0].path}\`` : `${ordered.length} files`} in ${path.basename(file)}`,
          safety: 'unsafe',
          edits: [],
          appends: [{ file: path.relative(path.dirname(ctx.path), file) || path.basename(file), lines: ordered.map((f) => f.path) }],
        };
      },
    });
  }
}

export default defineRule({
  id: 'context-files-in-image',
  title: 'COPY . ships secret files, .git or local databases',
  category: 'secrets',
  principle: 'config',
  severity: 'warning',
  fix: 'unsafe',
  peers: { trivy: ['DS-0031'], buildkit: ['CopyIgnoredFile'] },
  docs: {
    why: '`COPY . .` sends whatever the build context holds and the ignore file does not exclude: a developer\'s `.env`, a private key, an `.npmrc` with a registry token, the whole `.git` history, a local SQLite database. Each becomes a layer of the image that anyone who can pull it can read, and a later `RUN rm` only hides it. A `.dockerignore` (or `<Dockerfile>.dockerignore` beside the Dockerfile, which BuildKit prefers) keeps them out of the context.',
    bad: { lang: 'dockerfile', code: '# the folder holds .env, certs/server.key and .git; no .dockerignore\nFROM node:20.11-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]' },
    good: { lang: 'dockerfile', code: '# .dockerignore:\n#   .env\n#   certs/*.key\n#   .git\nFROM node:20.11-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]' },
    notes: 'Judges `COPY .`/`ADD .` (not `COPY --from`) on the files of the build context: the Compose `build.context` of the services (in the Dockerfile\'s folder or up to three above) that build this Dockerfile, else the Dockerfile\'s folder. The ignore file is read with Docker\'s matching rules (`**`, `!` exceptions, order, leading `/`). Files named: secret files as `secret-file-in-image` knows them (`.env`, keys, `credentials.json`, `.npmrc` only with a literal token, ...), `.git`, and local database files (`*.sqlite`, `*.db`, `dump.rdb`, `*.dump`). Files under test, fixture, example and docs folders, and installed dependencies (`node_modules`, `vendor`, virtualenvs), are not named. The listing of a context stops after 20,000 entries; files past that are not judged. A secret file shipped into the image is a warning; `.git` or a database alone is information. A copy into a stage that does not ship names secret files only (information): `.git` in a builder stage is often wanted (Go stamps builds with its VCS information), and its databases stay in the build cache.',
  },
  check: {
    dockerfile(model, ctx) {
      let contexts: readonly BuildContext[] | undefined;
      for (const stage of model.stages) {
        for (const ins of stage.instructions) {
          if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
          // The context is listed only for a Dockerfile that copies all of it.
          if (!ins.args.some((a) => /^\.\/?$/.test(a.value)) && !ins.argsText.includes('"."') && !ins.argsText.includes('"./"')) continue;
          contexts ??= ctx.buildContexts();
          check(ins, stage, contexts, ctx, model.source);
        }
      }
    },
  },
});
