import { defineRule } from '../../engine/rule';
import type { EnvEntry } from '../../model/common';
import type { Stage } from '../../model/dockerfile';
import type { SourceText } from '../../model/range';
import { fallbackValue, isLiteralSecretValue, isLiteralShellSecret, isSecretName } from '../../knowledge/secrets';
import { CommandSite, composeSites, dockerfileSites, kubernetesSites } from './command-sources';
import type { RuleContext } from '../../engine/rule';

/**
 * A build argument named like a secret whose value the file does not write: hardcoded-secret reports the
 * literal ones (an error), this rule the channel itself. A `*_FILE` name, a length or a switch is not a secret.
 */
function passesSecret(e: EnvEntry, dollarEscape: boolean): boolean {
  if (!isSecretName(e.name)) return false;
  if (e.value === undefined) return true;
  if (!e.dynamic) return !isLiteralSecretValue(e.value);
  const fallback = fallbackValue(e.value, dollarEscape);
  return fallback === undefined || !isLiteralSecretValue(fallback);
}

/**
 * `docker build --build-arg NPM_TOKEN` / `--build-arg=NPM_TOKEN=$(NPM_TOKEN)` (docker, buildah, podman,
 * kaniko) in commands a file runs. A literal value there is secret-in-command's.
 */
function checkBuildArgFlags(sites: CommandSite[], source: SourceText, ctx: RuleContext): void {
  for (const site of sites) {
    for (const cmd of site.commands) {
      cmd.words.forEach((w, i) => {
        const inline = /^--build-arg=(.*)$/s.exec(w.text);
        const arg = inline ? { text: inline[1], word: w } : w.text === '--build-arg' && cmd.words[i + 1] ? { text: cmd.words[i + 1].text, word: cmd.words[i + 1] } : undefined;
        if (!arg) return;
        const eq = arg.text.indexOf('=');
        const name = eq < 0 ? arg.text : arg.text.slice(0, eq);
        const value = eq < 0 ? undefined : arg.text.slice(eq + 1);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || !isSecretName(name) || isLiteralShellSecret(value)) return;
        ctx.report({
          range: source.range(arg.word.start, arg.word.end), namesSecretHolder: true,
          message: `${site.where} passes ${name} to an image build with \`--build-arg\`: the value is recorded in the built image's history and provenance. Pass it with \`--secret id=<id>,env=${name}\` and read it in a \`RUN --mount=type=secret\` step instead.`,
        });
      });
    }
  }
}

function stageLabel(stage: Stage): string {
  return stage.name ? `stage "${stage.name}"` : `stage ${stage.index + 1}`;
}

const ADVICE = 'Pass it as a BuildKit secret instead: `RUN --mount=type=secret,id=<id>,env=NAME ...` for the step that needs it, built with `docker build --secret id=<id>,env=NAME` or Compose build `secrets:`.';

export default defineRule({
  id: 'secret-build-arg',
  title: 'Secret passed as a build argument',
  category: 'secrets',
  principle: 'config',
  severity: 'warning',
  fix: 'none',
  peers: { hadolint: ['DL3064'], buildkit: ['SecretsUsedInArgOrEnv'], trivy: ['DS-0031'] },
  docs: {
    why: 'A build argument is not a secret channel: its value is written into the image history (`docker history` shows `|1 NPM_TOKEN=… /bin/sh -c …` for every RUN after the ARG), into max-mode provenance attestations and into the build cache. Anyone who can pull the image reads the token, even when no file in the image holds it. BuildKit secret mounts give a step the value without recording it anywhere.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11.1-bookworm-slim\nARG NPM_TOKEN\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc' },
    good: { lang: 'dockerfile', code: '# syntax=docker/dockerfile:1\nFROM node:20.11.1-bookworm-slim\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \\\n    echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc' },
    notes: 'Dockerfile `ARG` with a secret name (the same name classifier as hardcoded-secret: `DB_PASSWORD`, `NPM_TOKEN`, `DBPASS`, `GITHUB_APIKEY`, `NPM_AUTH`; not `*_FILE`, `*_PATH`, `*_TTL`, `*_ENABLED`, `AUTH_METHOD`, ...) declared without a default, with an empty or placeholder default, or with a default from another variable; and Compose `build.args` with such a name taking its value from the environment (`- NPM_TOKEN`, `NPM_TOKEN: ${NPM_TOKEN}`). A literal value is hardcoded-secret\'s (an error); this rule is a warning because the leak depends on what the build passes. In a stage that is not shipped (neither the final stage nor one it is built FROM) the finding is info: the value stays in the build cache and in images built with `--target`, not in the shipped history. ARGs before the first FROM are only usable in FROM lines and are not reported. An `ENV` with a secret name whose value comes from a build argument of its stage (`ENV NPM_TOKEN=$NPM_TOKEN`) is reported too: it copies the value into the image configuration. Also reported: `--build-arg NAME` or `--build-arg NAME=$VAR` with a secret name in commands the files run (a RUN step, a Compose command, a Kubernetes container running kaniko, buildah or docker); a literal value there is secret-in-command\'s.',
  },
  check: {
    dockerfile(model, ctx) {
      checkBuildArgFlags(dockerfileSites(model), model.source, ctx);
      // Build arguments declared so far in each stage (an ARG's scope ends with its stage).
      const declared = new Map<Stage, Set<string>>();
      for (const ins of model.instructions) {
        if (!ins.stage) continue;
        const args = declared.get(ins.stage) ?? declared.set(ins.stage, new Set()).get(ins.stage)!;
        if (ins.keyword === 'ENV') {
          for (const e of ins.properties) {
            if (!e.dynamic || !e.value || !isSecretName(e.name) || !passesSecret(e, false)) continue;
            const arg = [...e.value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]).find((n) => args.has(n));
            if (!arg) continue;
            ctx.report({
              range: e.nameRange, severity: ins.stage.ships ? undefined : 'info', namesSecretHolder: true,
              message: `ENV ${e.name} copies build argument ${arg} into the image configuration: every container of the image and \`docker inspect\` show the value. Read the secret in the RUN step that needs it (\`RUN --mount=type=secret\`) and pass it to containers at run time.`,
            });
          }
          continue;
        }
        if (ins.keyword !== 'ARG') continue;
        for (const e of ins.properties) args.add(e.name);
        for (const e of ins.properties) {
          if (!passesSecret(e, false)) continue;
          const shipped = ins.stage.ships;
          ctx.report({
            range: e.nameRange, severity: shipped ? undefined : 'info', namesSecretHolder: true,
            message: shipped
              ? `Build argument ${e.name} is named like a secret: whatever value the build passes is recorded in the image history and provenance, readable by anyone who can pull the image. ${ADVICE}`
              : `Build argument ${e.name} is named like a secret: ${stageLabel(ins.stage)} is not shipped, but the value stays in its build cache and in any image built with \`--target\`. ${ADVICE}`,
          });
        }
      }
    },
    compose(model, ctx) {
      checkBuildArgFlags(composeSites(model), model.source, ctx);
      for (const s of model.services) {
        for (const e of s.build?.args ?? []) {
          if (!passesSecret(e, true)) continue;
          ctx.report({
            range: e.nameRange, namesSecretHolder: true,
            message: `Service "${s.name}" passes ${e.name} to its build as a build argument: the value is recorded in the image history and provenance. Use build \`secrets:\` (with \`RUN --mount=type=secret\` in the Dockerfile) instead.`,
          });
        }
      }
    },
    kubernetes(model, ctx) {
      checkBuildArgFlags(kubernetesSites(model), model.source, ctx);
    },
  },
});
