import { defineRule, RuleContext } from '../../engine/rule';
import type { EnvEntry } from '../../model/common';
import type { Range, SourceText } from '../../model/range';
import { fallbackValue, isLiteralSecretValue, isSecretName, knownToken, maskSecret, passwordInUrl } from '../../knowledge/secrets';
import { rangeWithin, withArticle } from './locate';
import { composeMove, dockerfileMove, kubernetesMove, MoveFix } from './move-secret';
import { isEnvTemplateName } from '../../parse/env';
import { baseName } from '../../parse/detect';

interface Judgement { range: Range; what: string; shown: string; fallback?: boolean }

/** Why an environment entry's literal value is a secret, or undefined when it is not. */
function judge(entry: EnvEntry, ctx: RuleContext, source: SourceText, dollarEscape = false): Judgement | undefined {
  if (entry.value === undefined || !entry.valueRange) return undefined;
  if (entry.dynamic) {
    // `${DB_PASSWORD:-hunter2}`: the fallback is committed and runs wherever the variable is left unset.
    const fallback = fallbackValue(entry.value, dollarEscape);
    if (fallback === undefined || ENV_PLACEHOLDER.test(fallback.trim())) return undefined;
    const j = judgeLiteral(entry.name, fallback, entry.valueRange, source, true);
    return j && { ...j, fallback: true };
  }
  const token = ctx.tokensIn(entry.valueRange)[0];
  if (token) return { range: token.range, what: withArticle(token.typeName), shown: maskSecret(token.value) };
  return judgeLiteral(entry.name, entry.value, entry.valueRange, source);
}

/** `inside`: the value is part of the text at `valueRange` (a fallback), so the range narrows to it. */
function judgeLiteral(name: string, value: string, valueRange: Range, source: SourceText, inside = false): Judgement | undefined {
  // Vendor formats secretlint lacks: a MailChimp or live Stripe key is a secret whatever the variable is called.
  const known = knownToken(value);
  if (known) return { range: rangeWithin(source, valueRange, known.value), what: withArticle(known.typeName), shown: maskSecret(known.value) };
  const url = passwordInUrl(value);
  if (url) {
    const pass = value.slice(url.start, url.end);
    return { range: rangeWithin(source, valueRange, pass), what: 'a password inside a connection URL', shown: maskSecret(pass) };
  }
  if (isSecretName(name) && isLiteralSecretValue(value)) {
    return { range: inside ? rangeWithin(source, valueRange, value.trim()) : valueRange, what: 'a hardcoded secret', shown: maskSecret(value.trim()) };
  }
  return undefined;
}

/** Reports each entry holding a literal secret; `move` builds the quick fix (and its related information) for one. */
function reportEntries(entries: EnvEntry[], where: string, advice: string, ctx: RuleContext, source: SourceText, move?: (e: EnvEntry) => MoveFix | undefined, dollarEscape = false): void {
  for (const e of entries) {
    const j = judge(e, ctx, source, dollarEscape);
    if (!j) continue;
    if (j.fallback) {
      // Only a fallback: the deployment may set the variable, so a warning, and no fix rewrites a reference.
      ctx.report({ range: j.range, severity: 'warning', message: `${where} ${e.name} falls back to ${j.what} (${j.shown}) wherever the variable is unset, and the fallback is committed with the file. Drop the fallback (\`\${${e.name}:?${e.name} must be set}\` fails fast) and keep the value out of the repository.` });
      continue;
    }
    const m = move?.(e);
    ctx.report({ range: j.range, message: `${where} ${e.name} holds ${j.what} (${j.shown}). ${advice}`, fix: m?.fix, related: m?.related });
  }
}

/**
 * Values a committed env file holds in place of a secret, for the reader to replace: `changeme`,
 * `changePassword`, `supersecret`, or a name spelled out (`postgres_password`, `django_secret_key`).
 */
const ENV_PLACEHOLDER = /^(?:change|replace|your[-_]|insert|put[-_]|set[-_]|todo|xxx)|^(?:super)?secret$|^[a-z]+(?:_[a-z]+)*_(?:password|passwd|pass|pw|secret|key|token)$/i;

const compose = (e: EnvEntry): MoveFix => ({ fix: () => composeMove(e) });

export default defineRule({
  id: 'hardcoded-secret',
  title: 'Secret written into the file',
  category: 'secrets',
  principle: 'config',
  severity: 'error',
  fix: 'safe',
  crossDocument: ['Secret'],
  peers: {
    hadolint: ['DL3064'], buildkit: ['SecretsUsedInArgOrEnv'], kics: ['passwords_and_secrets'], checkov: ['CKV_SECRET_6'],
    trivy: ['DS-0031'], polaris: ['sensitiveContainerEnvVar'],
  },
  docs: {
    why: 'A password, token or key written into a Dockerfile, Compose file or manifest is in git history forever, in every image layer built from it and in every clone of the repository. It cannot be rotated without a commit, and it is the same in every environment. Secrets belong in the environment at run time: Compose `.env`/`secrets:`, Kubernetes `Secret` objects referenced with `secretKeyRef`, BuildKit `--mount=type=secret` during builds.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    environment:\n      DB_PASSWORD: hunter2\n      DATABASE_URL: postgres://shop:hunter2@db:5432/shop' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n      DATABASE_URL: postgres://shop:${DB_PASSWORD}@db:5432/shop' },
    notes: '**Env files** (`.env`, `*.env`): a literal secret in one that is committed (in a git work tree: tracked or not git-ignored; outside git: any env file not named like a template) is reported at its line, with the Compose lines that use it as related information; templates (`.env.example`, `.sample`, `.template`, `.dist`) are not judged, nor placeholder values (`changeme`, `changePassword`, `supersecret`, `postgres_password`). Detects secret-looking names with literal values (not `${VAR}`, `$(VAR)`, `*_FILE`, `/run/secrets/...`, empty values, switches, lengths or placeholders such as `<password>` and vendor `...EXAMPLE` keys), passwords inside connection URLs, and known token formats under any variable name (secretlint\'s preset plus live Stripe-style, Square, MailChimp, SendGrid, Google, Amazon MWS, GitLab and JWT formats). Messages show at most the first characters of a value. Quick fixes never drop the value and never write it into a file git tracks (`seaworthy fix` refuses when git tracks the target, and the target always gets a `.gitignore` line). **Compose** (safe): the value moves into the `.env` beside the Compose file (which Compose reads for `${NAME}`) and is referenced as `${NAME}`; the `.env` receives the value the container sees (Compose\'s `$$` escape becomes `$`, single-quoted so Compose reads it back literally). **Kubernetes** (unsafe: the Secret must exist before the pods start): `value:` becomes `valueFrom.secretKeyRef` to the Secret `<workload>-secrets` (key: the variable name), and the value goes under `stringData:` of that Secret\'s manifest `<workload>-secrets[.<namespace>].secret.yaml` beside the manifest (created, or the key appended), which is git-ignored; apply it with `kubectl apply -f` (the diagnostic\'s related information says how). No fix in Helm templates, for flow-style entries (`{name: X, value: Y}`), anchored or aliased values, or when the file itself defines a Secret of that name. **Dockerfile** (unsafe): only for an ARG/ENV inside a stage that RUN steps reference as `$NAME`/`${NAME}` and nothing else uses (no CMD/ENTRYPOINT, COPY or other instruction, no redeclaration): the literal is removed (only that variable from a multi-variable ENV), every RUN in its scope (the rest of the stage; for ENV also stages built FROM it) that references it gets `--mount=type=secret,id=<name in lower case>,env=NAME` (the same environment variable, during that step only), `# syntax=docker/dockerfile:1` is added when the file has no syntax directive (`env=` needs Dockerfile frontend 1.10; no fix under an older pinned one), and the value goes to the `.env` beside the Dockerfile (added to `.gitignore` and `.dockerignore`). Build with `docker build --secret id=<id>,env=NAME .` with NAME exported from `.env`, or with Compose build `secrets:` whose top-level secret reads `environment: NAME`. A RUN that reads the variable without naming it (a program reading its environment) needs the mount added by hand, and an ENV the application reads at run time must then be passed at run time. A name already in the `.env` (read with any line breaks, BOM or quoting) or Secret manifest with the same value is reused; with another value the fix is refused and the literal stays. No fix adds text inside a YAML anchor that aliases share (`db-replica: *db`): refused.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const ins of model.instructions) {
        if (ins.keyword !== 'ENV' && ins.keyword !== 'ARG') continue;
        reportEntries(ins.properties, ins.keyword, ins.keyword === 'ARG'
          ? 'Build arguments stay in the image history; pass it with `RUN --mount=type=secret` instead.'
          : 'It is baked into every layer of the image; provide it at run time instead.', ctx, model.source, (e) => dockerfileMove(model, ins, e));
      }
    },
    compose(model, ctx) {
      for (const s of model.services) {
        reportEntries(s.environment, `Service "${s.name}" variable`, 'Use `${' + 'NAME}` with the value in an untracked `.env` file, or Compose `secrets:`.', ctx, model.source, compose, true);
        if (s.build) reportEntries(s.build.args, `Service "${s.name}" build argument`, 'Build arguments stay in the image history; use build `secrets:` instead.', ctx, model.source, compose, true);
      }
    },
    env(model, ctx) {
      // Templates (`.env.example`) are committed on purpose with placeholders; an ignored `.env` is never committed.
      if (!model.committed || isEnvTemplateName(baseName(model.uri))) return;
      for (const e of model.entries) {
        if (e.value !== undefined && ENV_PLACEHOLDER.test(e.value.trim())) continue;
        const j = judge(e, ctx, model.source);
        if (!j) continue;
        const related = (model.users?.get(e.name) ?? []).map((u) => ({ message: `Used here (${u.how})`, range: u.range, file: u.file }));
        ctx.report({ range: j.range, message: `Variable ${e.name} holds ${j.what} (${j.shown}) in an env file that is committed. Keep the real value in an untracked (git-ignored) env file and commit a template such as \`.env.example\` instead.`, related });
      }
    },
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        if (!obj.workload) continue;
        for (const c of [...obj.workload.podSpec.initContainers, ...obj.workload.podSpec.containers]) {
          reportEntries(c.env, `Container "${c.name}" env`, 'Reference a Secret with `valueFrom.secretKeyRef` instead.', ctx, model.source, (e) => kubernetesMove(model, obj, c, e));
        }
      }
    },
  },
});
