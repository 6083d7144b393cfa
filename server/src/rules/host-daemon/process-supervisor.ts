import { defineRule, RelatedInfo, RuleContext } from '../../engine/rule';
import type { Range, SourceText } from '../../model/range';
import {
  forkingDaemonOf, HARMLESS_FOLLOWERS, installedPackages, packageName, serviceStartOf, SUPERVISOR_PACKAGES, supervisorOf,
} from '../../knowledge/daemons';
import { programOf, ShellCommand } from '../../knowledge/shell';
import { commandsOf, containerCommands, expandShellScripts, podsOf, runtimeInstructions } from './shared';

const CONSEQUENCE = 'The platform only watches the container\'s main process, so when the other one dies nobody restarts it, its logs and shutdown signals get lost, and the parts cannot be scaled or rolled out separately. Run one process per container (separate services, a sidecar, or a scheduled job for cron) and let the orchestrator restart and scale them.';

interface Hit { range: Range; what: string }

/** Why a runtime command list runs more than one long-lived process, per offending command. */
function judge(commands: ShellCommand[], source: SourceText): Hit[] {
  const hits: Hit[] = [];
  commands.forEach((c, i) => {
    const p = programOf(c);
    if (!p) return;
    const word = c.words[p.index];
    const at = (from = word, to = word) => source.range(from.start, to.end);
    const sup = supervisorOf(word.text);
    if (sup) { hits.push({ range: at(), what: `runs ${sup}, a process supervisor, as the container's main process` }); return; }
    const svc = serviceStartOf(c);
    if (svc) { hits.push({ range: at(svc.from, svc.to), what: `starts the "${svc.service}" service as a background daemon inside the container` }); return; }
    const next = commands.slice(i + 1).map(programOf).find((q) => q && !HARMLESS_FOLLOWERS.has(q.name));
    if (!next) return;
    // busybox applets: `busybox crond` is crond
    const name = p.name === 'busybox' && c.words[p.index + 1] ? c.words[p.index + 1].text : p.name;
    if (c.terminator === '&') {
      hits.push({ range: at(), what: `puts \`${name}\` in the background (&) and then runs \`${next.name}\`` });
      return;
    }
    const d = forkingDaemonOf(p.name === 'busybox' ? { ...c, words: c.words.slice(p.index + 1) } : c);
    if (d) hits.push({ range: at(), what: `starts \`${name}\`, which forks into the background, and then runs \`${next.name}\`` });
  });
  return hits;
}

function report(commands: ShellCommand[], where: string, source: SourceText, ctx: RuleContext, related?: RelatedInfo[]): void {
  for (const h of judge(commands, source)) ctx.report({ range: h.range, message: `${where} ${h.what}. ${CONSEQUENCE}`, related });
}

export default defineRule({
  id: 'process-supervisor',
  title: 'Several daemons in one container',
  category: 'host-daemon',
  principle: 'processes',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A container is supervised through its main process. When it starts supervisord, s6, runit or an init system, or starts `cron`, `sshd` or `nginx` in the background before the app, the orchestrator sees one healthy process while the others may have died: nothing restarts them, their logs do not reach stdout, they miss the stop signal and cannot be scaled, updated or resourced separately. One process per container keeps restarts, logs, health and scaling in the platform\'s hands.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nRUN apk add --no-cache nginx\nCOPY . /app\nCMD nginx && node /app/server.js' },
    good: { lang: 'yaml', code: 'services:\n  web:\n    image: nginx:1.25-alpine\n  app:\n    image: shop/app:1.4.2\n    command: ["node", "/app/server.js"]' },
    notes: 'Checks what runs at start: the shipped image\'s effective CMD/ENTRYPOINT (with `sh -c` scripts and heredocs), Compose `command`/`entrypoint`, Kubernetes `command`/`args` of regular containers. Flags supervisors (supervisord, s6-svscan, s6-overlay `/init`, runit, my_init, systemd), `service X start` / `systemctl start X` / `/etc/init.d/X start`, a program backgrounded with `&` followed by another program, and daemons that fork by default (cron, crond, sshd, nginx without `daemon off;`, php-fpm without `-F`) followed by another program. Not flagged: one program run with `exec`, `tini`/`dumb-init` as init, `app & wait $!`, `nginx -t && nginx -g "daemon off;"`, `&` in RUN (build time), and scripts such as `docker-entrypoint.sh` whose contents are unknown. When the image installs supervisor in a shipped stage, the finding points at that RUN too.',
  },
  check: {
    dockerfile(model, ctx) {
      const related: RelatedInfo[] = [];
      for (const stage of model.stages) {
        if (!stage.ships) continue;
        for (const ins of stage.instructions) {
          if (ins.keyword !== 'RUN') continue;
          for (const c of commandsOf(ins, model.source)) {
            const inst = installedPackages(c);
            const pkg = inst?.packages.find((w) => SUPERVISOR_PACKAGES.has(packageName(w.text)));
            if (pkg) related.push({ message: `${packageName(pkg.text)} is installed into the shipped image here`, range: model.source.range(pkg.start, pkg.end) });
          }
        }
      }
      for (const ins of runtimeInstructions(model)) report(commandsOf(ins, model.source), ins.keyword, model.source, ctx, related.length ? related : undefined);
    },
    compose(model, ctx) {
      for (const svc of model.services) {
        if (svc.command) report(expandShellScripts(svc.command.commands, model.source), `Service "${svc.name}" command`, model.source, ctx);
        if (svc.entrypoint) report(expandShellScripts(svc.entrypoint.commands, model.source), `Service "${svc.name}" entrypoint`, model.source, ctx);
      }
    },
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        for (const c of pod.containers) {
          if (!c.init) report(containerCommands(c.raw, model.source), `Container "${c.name}"`, model.source, ctx);
        }
      }
    },
  },
});
