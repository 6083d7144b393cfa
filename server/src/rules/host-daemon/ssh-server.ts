import { defineRule, RuleContext } from '../../engine/rule';
import type { ImageRef } from '../../model/common';
import type { SourceText } from '../../model/range';
import { installedPackages, isSshServerPackage, isSshServiceImage, packageName } from '../../knowledge/daemons';
import { imageBaseName, parseImageRef } from '../../knowledge/image';
import { programOf, ShellCommand } from '../../knowledge/shell';
import { containerCommands, podsOf, runtimeInstructions } from './shared';
import { commandsOf, openShellScripts } from '../../knowledge/container-commands';

const WHY = 'An SSH server in an app container invites hand-made changes that the next deploy silently wipes, adds a daemon and keys to manage and patch, and opens a door past the platform\'s access control. Use `docker exec` / `kubectl exec` (or an ephemeral debug container) to look inside, and run admin tasks as one-off processes from the same image.';

const isSshPort = (s: string | undefined) => !!s && /^22(?:\/tcp)?$/i.test(s.trim());

/** Git-over-SSH and SFTP images serve SSH on purpose. */
const servesSsh = (image: ImageRef | undefined) => !!image && !image.dynamic && isSshServiceImage(imageBaseName(image));

function checkSshd(commands: ShellCommand[], where: string, source: SourceText, ctx: RuleContext): void {
  for (const c of commands) {
    const p = programOf(c);
    if (p?.name !== 'sshd' && p?.name !== 'dropbear') continue;
    const w = c.words[p.index];
    ctx.report({ range: source.range(w.start, w.end), message: `${where} runs the SSH server ${p.name}. ${WHY}` });
  }
}

export default defineRule({
  id: 'ssh-server',
  title: 'SSH server in a container',
  category: 'host-daemon',
  principle: 'admin-processes',
  severity: 'warning',
  set: 'strict',
  setReason: 'Git hosts (GitLab, Gitea) serve SSH by design and the Alpine openssh package is mostly installed for its client; 0 of 3 findings on the precision sample were right (docs/precision.md).',
  fix: 'none',
  peers: {
    hadolint: ['DL3001'], kics: ['exposing_port_22'], checkov: ['CKV_DOCKER_1'], trivy: ['DS-0004'], kubeLinter: ['ssh-port'],
  },
  docs: {
    why: 'Containers are replaced, not logged into. An SSH server in an app container is a second daemon beside the app, a set of keys or passwords to rotate, a port that bypasses the platform\'s access control and audit, and an invitation to fix things by hand in one replica — changes the next deploy silently discards. `docker exec`, `kubectl exec` and ephemeral debug containers give the same access through the platform, and admin tasks belong in one-off processes run from the same image.',
    bad: { lang: 'dockerfile', code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends openssh-server\nEXPOSE 22 8080\nCMD /usr/sbin/sshd && exec /app/server' },
    good: { lang: 'dockerfile', code: 'FROM debian:12-slim\nCOPY server /app/server\nEXPOSE 8080\nCMD ["/app/server"]' },
    notes: 'Checks shipped Dockerfile stages (`EXPOSE 22`, installing openssh-server/dropbear or apk `openssh`, CMD/ENTRYPOINT running sshd), Compose services publishing or exposing container port 22 or running sshd, and Kubernetes `containerPort: 22` or containers running sshd. Images whose job is SSH (Gitea, Forgejo, Gogs, GitLab, SFTP and openssh-server images) are left alone in Compose and Kubernetes. Build stages that install openssh-client for git are not flagged.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const stage of model.stages) {
        if (!stage.ships) continue;
        for (const ins of stage.instructions) {
          if (ins.keyword === 'EXPOSE') {
            for (const a of ins.args) {
              if (isSshPort(a.value)) ctx.report({ range: a.range, message: `EXPOSE ${a.value} advertises an SSH port in the shipped image. ${WHY}` });
            }
          }
          if (ins.keyword !== 'RUN') continue;
          for (const c of commandsOf(ins, model.source)) {
            const inst = installedPackages(c);
            for (const w of inst?.packages ?? []) {
              if (!isSshServerPackage(inst!.manager, packageName(w.text))) continue;
              ctx.report({ range: model.source.range(w.start, w.end), message: `${inst!.manager} installs the SSH server ${packageName(w.text)} into the shipped image. ${WHY}` });
            }
          }
        }
      }
      for (const ins of runtimeInstructions(model)) checkSshd(commandsOf(ins, model.source), ins.keyword, model.source, ctx);
    },
    compose(model, ctx) {
      for (const svc of model.services) {
        if (servesSsh(svc.image)) continue;
        for (const p of svc.ports) {
          if (!p.dynamic && isSshPort(p.target)) ctx.report({ range: p.range, message: `Service "${svc.name}" publishes container port 22 (SSH). ${WHY}` });
        }
        for (const e of svc.raw.get('expose')?.items() ?? []) {
          const s = e.str();
          if (s && isSshPort(s.value)) ctx.report({ range: s.range, message: `Service "${svc.name}" exposes port 22 (SSH) to other services. ${WHY}` });
        }
        if (svc.command) checkSshd(openShellScripts(svc.command.commands, model.source), `Service "${svc.name}" command`, model.source, ctx);
        if (svc.entrypoint) checkSshd(openShellScripts(svc.entrypoint.commands, model.source), `Service "${svc.name}" entrypoint`, model.source, ctx);
      }
    },
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        for (const c of pod.containers) {
          const image = c.raw.get('image')?.str();
          if (image && servesSsh(parseImageRef(image.value, image.range, image.dynamic))) continue;
          for (const p of c.raw.get('ports')?.items() ?? []) {
            const e = p.entry('containerPort');
            if (e && e.value.num()?.value === 22) ctx.report({ range: e.range, message: `Container "${c.name}" declares containerPort 22 (SSH). ${WHY}` });
          }
          if (!c.init) checkSshd(containerCommands(c.raw, model.source), `Container "${c.name}"`, model.source, ctx);
        }
      }
    },
  },
});
