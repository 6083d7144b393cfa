import { defineRule, RuleContext } from '../../engine/rule';
import type { Located } from '../../model/common';
import type { DockerfileModel, Instruction, Stage } from '../../model/dockerfile';
import { secretFileKind } from '../../knowledge/secrets';
import { baseName } from '../../parse/detect';
import { copyOperands } from '../build-run/stages';

/** Files that belong in `~/.ssh` without being keys. */
const SSH_PUBLIC = /^(?:known_hosts|config|authorized_keys|.*\.pub)$/i;

function stageLabel(stage: Stage): string {
  return stage.name ? `stage "${stage.name}"` : `stage ${stage.index + 1}`;
}

function checkCopy(ins: Instruction, stage: Stage, model: DockerfileModel, ctx: RuleContext): void {
  const ops = copyOperands(ins, model.source);
  if (!ops) return;
  const severity = stage.ships ? 'error' : 'warning';
  const where = stage.ships
    ? 'the shipped image: anyone who can pull it can read the file, and deleting it in a later layer does not remove it from the earlier one'
    : `${stageLabel(stage)}, which is not shipped but keeps it in the build cache and in any image built with \`--target ${stage.name ?? stage.index}\``;
  const advice = 'Mount it only for the step that needs it (`RUN --mount=type=secret,id=...`), or provide it at run time.';
  const say = (l: Located, what: string, shown = `\`${l.value}\``) => ctx.report({
    range: l.range, severity, namesSecretHolder: true,
    message: `This copy puts ${what} (${shown}) into ${where}. ${advice}`,
  });

  let reported = false;
  for (const src of ops.sources) {
    if (src.dynamic || /^[a-z][a-z0-9+.-]*:\/\//i.test(src.value)) continue;
    const kind = secretFileKind(src.value);
    if (kind) { say(src, kind); reported = true; }
  }
  if (reported || ops.dest.dynamic) return;
  const dest = ops.dest.value;
  if (ops.sources.length === 1 && !dest.endsWith('/')) {
    const kind = secretFileKind(dest);
    if (kind) { say(ops.dest, kind); return; }
  }
  // Whatever lands in ~/.ssh is a key unless it is one of the public files.
  if (/(?:^|\/)\.ssh(?:\/|$)/.test(dest)) {
    const target = dest.endsWith('/') || /\.ssh$/.test(dest) ? ops.sources.map((s) => baseName(s.value)) : [baseName(dest)];
    if (target.some((n) => n && n !== '.' && !SSH_PUBLIC.test(n))) say(ops.dest, 'an SSH key', `\`${ops.sources.map((s) => s.value).join(' ')}\` → \`${dest}\``);
    return;
  }
}

export default defineRule({
  id: 'secret-file-in-image',
  title: 'Secret file copied into the image',
  category: 'secrets',
  principle: 'config',
  severity: 'error',
  fix: 'none',
  peers: { trivy: ['DS-0031'] },
  docs: {
    why: 'A `.env` file, private key, `.npmrc` with a registry token or a kubeconfig copied with COPY/ADD becomes a layer of the image. Everyone who can pull the image (registry users, CI caches, anyone with `docker save`) can extract it, and `RUN rm` in a later layer only hides it. Secrets used during the build belong in BuildKit secret mounts; secrets used at run time belong in the environment or mounted secret files, so the same image runs in every environment.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nWORKDIR /app\nCOPY .npmrc package*.json ./\nRUN npm ci && rm .npmrc\nCOPY .env ./\nCMD ["node", "server.js"]' },
    good: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci\n# configuration comes from the environment at run time\nCMD ["node", "server.js"]' },
    notes: 'Recognises `.env` and `.env.*` (not `.env.example`, `.sample`, `.template`, `.dist`), SSH private keys (`id_rsa`, `id_ed25519`, ...), `*.pem`/`*.key`/`*.p12`/`*.pfx` (not names or folders that mark public material: CA bundles, `cert`, `chain`, apt/GPG signing keys), `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `credentials.json`, `.aws/credentials`, kubeconfigs, `.docker/config.json`, `.htpasswd`, whole `.ssh`/`.aws`/`.gnupg`/`.kube` folders, and anything copied into `~/.ssh` except `known_hosts`, `config`, `authorized_keys` and `*.pub`. Copies into the shipped stages are errors; copies into builder stages that do not ship are warnings (the file still sits in the build cache). `COPY . .` is judged on the files it actually ships by `context-files-in-image`. Heredoc COPY is left alone.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const stage of model.stages) {
        for (const ins of stage.instructions) if (ins.keyword === 'COPY' || ins.keyword === 'ADD') checkCopy(ins, stage, model, ctx);
      }
    },
  },
});
