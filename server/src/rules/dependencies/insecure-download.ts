import { defineRule, RuleContext } from '../../engine/rule';
import type { EnvEntry } from '../../model/common';
import type { SourceText } from '../../model/range';
import { allContainers } from '../../model/kubernetes';
import { commandsOf, instructionsOf, kubeContainerCommands, openShellScripts } from '../../knowledge/container-commands';
import { environmentVerificationOff, trustedRepositoryIn, verificationOffIn } from '../../knowledge/download-integrity';
import type { ShellCommand } from '../../knowledge/shell';

const ADVICE = 'Anyone on the network path (a proxy, a compromised mirror) can then swap what is installed. Fix the trust instead: add the CA certificate or the repository key, and keep verification on.';

function reportCommands(commands: ShellCommand[], source: SourceText, ctx: RuleContext, where: string): void {
  for (const cmd of commands) {
    for (const off of verificationOffIn(cmd)) {
      ctx.report({ range: source.range(off.from.start, off.to.end), message: `${where} switches off ${off.what}. ${ADVICE}` });
    }
    for (const w of cmd.words) {
      const at = trustedRepositoryIn(w.text);
      if (at < 0) continue;
      ctx.report({ range: source.range(w.start, w.end), message: `${where} adds an APT source with \`[trusted=yes]\`: its packages are installed without signature checks. ${ADVICE}` });
    }
  }
}

function reportEnv(entries: EnvEntry[], ctx: RuleContext, where: (e: EnvEntry) => string): void {
  for (const e of entries) {
    if (e.dynamic || e.value === undefined || !e.valueRange) continue;
    const what = environmentVerificationOff(e.name, e.value);
    if (what) ctx.report({ range: { start: e.nameRange.start, end: e.valueRange.end }, message: `${where(e)} switches off ${what} for every download of the process. ${ADVICE}` });
  }
}

export default defineRule({
  id: 'insecure-download',
  title: 'TLS or signature verification switched off for downloads',
  category: 'dependencies',
  principle: 'dependencies',
  severity: 'warning',
  fix: 'none',
  peers: { checkov: ['CKV2_DOCKER_2', 'CKV2_DOCKER_3', 'CKV2_DOCKER_4', 'CKV2_DOCKER_5', 'CKV2_DOCKER_6', 'CKV2_DOCKER_7', 'CKV2_DOCKER_8', 'CKV2_DOCKER_9', 'CKV2_DOCKER_10', 'CKV2_DOCKER_11', 'CKV2_DOCKER_12', 'CKV2_DOCKER_13', 'CKV2_DOCKER_14', 'CKV2_DOCKER_15', 'CKV2_DOCKER_16'] },
  docs: {
    why: 'A build that downloads with TLS or package-signature verification switched off accepts whatever arrives: a proxy, a compromised mirror or anyone on the network path can replace a package or binary, and the image ships it. The switch usually goes in to get past a corporate TLS proxy or an expired key once, and stays, silently, for every later build and every environment the image runs in.',
    bad: { lang: 'dockerfile', code: 'FROM debian:12.5-slim\nRUN curl -kfsSLo /usr/local/bin/tool https://example.com/tool \\\n && apt-get install -y --allow-unauthenticated acme-agent' },
    good: { lang: 'dockerfile', code: 'FROM debian:12.5-slim\nCOPY corp-ca.crt /usr/local/share/ca-certificates/\nRUN update-ca-certificates \\\n && curl -fsSLo /usr/local/bin/tool https://example.com/tool \\\n && apt-get install -y acme-agent' },
    notes: 'Checks RUN, CMD and ENTRYPOINT, Compose `command:`/`entrypoint:`, Kubernetes `command`/`args` for `curl -k`/`--insecure` (also inside short-option clusters such as `-fsSLk`), `wget --no-check-certificate`, `pip --trusted-host`, `npm`/`yarn config set strict-ssl false` and `--strict-ssl=false`, `git config http.sslVerify false` and `git -c http.sslVerify=false`, apt `--allow-unauthenticated`/`--force-yes`/`--allow-insecure-repositories`/`-o APT::Get::AllowUnauthenticated=true`/`Acquire::https::Verify-Peer=false`, `[trusted=yes]` APT sources, yum/dnf `--nogpgcheck` and `--setopt=*gpgcheck=0`/`sslverify=0`, zypper `--no-gpg-checks`, `apk --allow-untrusted`, `rpm --nosignature`; and the environment switches `NODE_TLS_REJECT_UNAUTHORIZED=0`, `GIT_SSL_NO_VERIFY`, `PIP_TRUSTED_HOST`, `NPM_CONFIG_STRICT_SSL=false`, `PYTHONHTTPSVERIFY=0` in ENV/ARG, Compose `environment:` and Kubernetes `env`. Values from variables are not judged. A `curl` that sends a body or uses a method other than GET (`-X PUT`, `--data`, `-F`, `-T`) calls an API rather than downloading, and requests to localhost check the container itself: neither is reported.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const kw of ['RUN', 'CMD', 'ENTRYPOINT']) {
        for (const ins of instructionsOf(model, kw)) reportCommands(commandsOf(ins, model.source), model.source, ctx, kw);
      }
      for (const ins of model.instructions) {
        if (ins.keyword === 'ENV' || ins.keyword === 'ARG') reportEnv(ins.properties, ctx, (e) => `${ins.keyword} ${e.name}`);
      }
    },
    compose(model, ctx) {
      for (const s of model.services) {
        if (s.command) reportCommands(openShellScripts(s.command.commands, model.source), model.source, ctx, `Service "${s.name}" command`);
        if (s.entrypoint) reportCommands(openShellScripts(s.entrypoint.commands, model.source), model.source, ctx, `Service "${s.name}" entrypoint`);
        reportEnv(s.environment, ctx, (e) => `Service "${s.name}" variable ${e.name}`);
      }
    },
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        if (!obj.workload) continue;
        for (const c of allContainers(obj.workload)) {
          reportCommands(kubeContainerCommands(c, model.source), model.source, ctx, `Container "${c.name}"`);
          reportEnv(c.env, ctx, (e) => `Container "${c.name}" variable ${e.name}`);
        }
      }
    },
  },
});
