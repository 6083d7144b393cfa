import { defineRule, RuleContext } from '../../engine/rule';
import type { SourceText } from '../../model/range';
import type { DockerfileModel } from '../../model/dockerfile';
import type { ComposeModel } from '../../model/compose';
import { isLiteralShellSecret, knownToken, maskSecret, passwordInUrl } from '../../knowledge/secrets';
import { credentialsIn } from './shell-credentials';
import { rangeWithin, withArticle } from './locate';
import { CommandSite, composeSites, dockerfileSites, kubernetesSites } from './command-sources';

const ADVICE: Record<CommandSite['kind'], string> = {
  build: 'It stays in the Dockerfile, the image history and the build cache; mount it with `RUN --mount=type=secret,id=...` and read it from /run/secrets instead.',
  'image-config': 'It is baked into the image config (`docker inspect` shows it); read it from an environment variable or a secret file at run time instead.',
  compose: 'Use `${VAR}` with the value in an untracked `.env` file, or Compose `secrets:` read from /run/secrets.',
  kubernetes: 'Put it in a Secret, expose it with `env.valueFrom.secretKeyRef` and refer to it as `$(VAR)`.',
};

function checkSites(sites: CommandSite[], source: SourceText, ctx: RuleContext): void {
  for (const site of sites) {
    const hits = credentialsIn(site.commands, source.text);
    const taken = hits.map((h) => ({ start: h.start, end: h.end }));
    const report = (start: number, end: number, what: string, secret: string) => ctx.report({
      range: source.range(start, end),
      message: `${site.where}: ${what} (${maskSecret(secret)}) is written on the command line. ${ADVICE[site.kind]}`,
    });
    for (const h of hits) report(h.start, h.end, h.what, h.secret);
    // secretlint's formats, when no pattern above already explains the same characters.
    for (const t of ctx.tokensIn(site.range)) {
      const s = source.offsetAt(t.range.start), e = source.offsetAt(t.range.end);
      if (taken.some((x) => s < x.end && x.start < e) || !isLiteralShellSecret(t.value)) continue;
      taken.push({ start: s, end: e });
      report(s, e, withArticle(t.typeName), t.value);
    }
  }
}

/** `ADD https://user:pass@host/file`: the URL is not a command but leaks the same way. */
function addUrls(model: DockerfileModel, ctx: RuleContext): void {
  for (const ins of model.instructions) {
    if (ins.keyword !== 'ADD') continue;
    for (const a of ins.args) {
      const url = passwordInUrl(a.value);
      if (!url || a.dynamic) continue;
      const secret = a.value.slice(url.start, url.end);
      ctx.report({
        range: rangeWithin(model.source, a.range, secret),
        message: `ADD downloads from a URL with a password (${maskSecret(secret)}). ${ADVICE.build}`,
      });
    }
  }
}

/** `build: https://user:token@host/repo.git`: Compose hands the URL to git, and the file keeps the token. */
function buildContextUrls(model: ComposeModel, ctx: RuleContext): void {
  for (const s of model.services) {
    const c = s.build?.context;
    if (!c || c.dynamic) continue;
    const url = passwordInUrl(c.value);
    const token = knownToken(c.value);
    const secret = url ? c.value.slice(url.start, url.end) : token?.value;
    if (!secret) continue;
    ctx.report({
      range: rangeWithin(model.source, c.range, secret),
      message: `Service "${s.name}" builds from a URL with ${url ? 'a password' : withArticle(token!.typeName)} (${maskSecret(secret)}). It stays in the Compose file and in every clone; give git the credentials instead (a credential helper or an SSH key), or use \`\${VAR}\` with the value in an untracked \`.env\` file.`,
    });
  }
}

export default defineRule({
  id: 'secret-in-command',
  title: 'Credential written into a command line',
  category: 'secrets',
  principle: 'config',
  severity: 'error',
  fix: 'none',
  peers: { kics: ['passwords_and_secrets'], checkov: ['CKV2_DOCKER_17'] },
  docs: {
    why: 'A password or token typed into `RUN`, `CMD`, a Compose `command:` or a container\'s `args` is committed with the file and copied into every place that records commands: the image history (`docker history` shows each RUN line), the image config, `docker inspect`, `kubectl get pod -o yaml`, process lists (`ps` shows arguments to every user on the host) and CI logs. It cannot be rotated without a commit and a rebuild. Build-time secrets belong in BuildKit secret mounts; run-time ones in the environment or mounted secret files.',
    bad: { lang: 'dockerfile', code: 'FROM alpine:3.20\nRUN curl -fsSL -u deploy:hunter2 https://artifacts.example.com/app.tgz | tar xz\nRUN echo "//registry.npmjs.org/:_authToken=npm_abc123..." > .npmrc && npm ci' },
    good: { lang: 'dockerfile', code: 'FROM alpine:3.20\nRUN --mount=type=secret,id=artifacts \\\n    curl -fsSL -u "deploy:$(cat /run/secrets/artifacts)" https://artifacts.example.com/app.tgz | tar xz\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci' },
    notes: 'Checks RUN (line continuations, heredoc scripts, `sh -c` in exec form), CMD, ENTRYPOINT, HEALTHCHECK, ONBUILD triggers and `ADD` URLs; Compose `command:`, `entrypoint:`, `healthcheck.test` and build context URLs (`build: https://user:token@host/repo.git`); Kubernetes `command`/`args`, exec probes and lifecycle hooks. It recognises `curl -u user:pass`, auth headers (`Authorization: Bearer ...`, `X-API-Key: ...`), passwords in URLs, `mysql -psecret`, `--password=...` and other secret-named long options, `sshpass -p`, `docker|helm|podman login -p`, `echo pass | docker login --password-stdin`, `echo user:pass | chpasswd`, debconf `password` answers, SQL `PASSWORD \'x\'`/`IDENTIFIED BY`, `-Dx.password=` JVM properties, `kubectl --from-literal`, `htpasswd -b`, `redis-cli -a`, `mongosh -p`, `keytool -storepass`, openssl `pass:...`, `npm config set ..._authToken`, `.npmrc`/`.netrc` lines written with echo, `SECRET=value cmd` and `export SECRET=value`, and known token formats. Values containing `$`, `${VAR}`, `$(cat /run/secrets/x)`, backticks, Helm templates or placeholders such as `<password>` are read at run time and are not findings; `-p` is only a password for the tools above (never `docker run -p 8080:80` or `ssh -p 22`); `mysql -p` without an attached value prompts; keytool\'s published default `changeit` is not a secret. Hashes given to `useradd -p` are not reported.',
  },
  check: {
    dockerfile(model, ctx) {
      checkSites(dockerfileSites(model), model.source, ctx);
      addUrls(model, ctx);
    },
    compose(model, ctx) {
      checkSites(composeSites(model), model.source, ctx);
      buildContextUrls(model, ctx);
    },
    kubernetes(model, ctx) { checkSites(kubernetesSites(model), model.source, ctx); },
  },
});
