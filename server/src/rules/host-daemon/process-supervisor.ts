import { defineRule, Fix, RelatedInfo, RuleContext } from '../../engine/rule';
import type { DockerfileModel, Instruction } from '../../model/dockerfile';
import { effectiveInstruction, finalStage } from '../../model/dockerfile';
import type { Range, SourceText } from '../../model/range';
import {
  forkingDaemonOf, HARMLESS_FOLLOWERS, installedPackages, packageName, serviceStartOf, SUPERVISOR_PACKAGES, supervisorOf,
} from '../../knowledge/daemons';
import { parseShell, programOf, ShellCommand, SHELL_PROGRAMS } from '../../knowledge/shell';
import { containerCommands, execArgs, podsOf, runtimeInstructions } from './shared';
import { commandsOf, openShellScripts } from '../../knowledge/container-commands';

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

function report(commands: ShellCommand[], where: string, source: SourceText, ctx: RuleContext, related?: RelatedInfo[], fix?: OneProcess): void {
  const notes = fix ? fix.started.map((d) => ({ message: `the one-process fix drops this: run ${d.name} as its own container (a Compose service, a sidecar or its own Deployment) instead`, range: source.range(d.start, d.end) })) : [];
  const all = [...(related ?? []), ...notes];
  for (const h of judge(commands, source)) {
    ctx.report({ range: h.range, message: `${where} ${h.what}. ${CONSEQUENCE}`, related: all.length ? all : undefined, fix: fix && (() => fix.fix) });
  }
}

/** Programs that only keep a container alive or watch a log: when they are what remains, the started daemon was the app. */
const PLACEHOLDERS = new Set(['tail', 'sleep', 'wait', 'cat', 'true', ':', 'sh', 'bash', 'read', 'top', 'less', 'pause']);

interface OneProcess { fix: Fix; started: { name: string; start: number; end: number }[] }

/** A word that means the same inside a JSON exec-form array: no expansion, globbing or assignment. */
const plainWord = (t: string) => t !== '' && !/[$`*?[\]{}~\\]/.test(t);

/**
 * The one-process form of a shell-form CMD or `CMD ["sh", "-c", "..."]` that first starts daemons
 * (`service nginx start && node server.js`, `/etc/init.d/cron start; exec app`, `nginx && node app`)
 * and then runs the app: the app alone, in exec form when it is plain words, else still through the
 * shell. Undefined when the daemons are not all at the start, when what remains only keeps the
 * container alive (`tail -f`, `sleep infinity`: the daemon is the app) or needs a supervisor.
 */
export function oneProcessFix(model: DockerfileModel, ins: Instruction): OneProcess | undefined {
  if (ins.keyword !== 'CMD' || ins.heredocs.length || ins.onbuild) return undefined;
  const final = finalStage(model);
  const entrypoint = final && effectiveInstruction(final, 'ENTRYPOINT');
  if (entrypoint && !entrypoint.execForm) return undefined;
  const src = model.source;
  const argsEnd = ins.argsOffset + ins.argsText.length;
  const args = execArgs(ins, src);
  let script: string;
  let base = 0;
  if (!args) {
    script = ins.argsText;
    base = ins.argsOffset;
  } else {
    const p = args[0] && (args[0].value.split('/').pop() ?? '');
    if (args.length !== 3 || !SHELL_PROGRAMS.has(p) || p === 'busybox' || args[1].value !== '-c' || args[0].dynamic) return undefined;
    script = args[2].value;
    const at = src.offsetAt(args[2].range.start) + 1;
    base = src.text.slice(at, at + script.length) === script ? at : -1;
  }
  const cmds = parseShell(script, 0, args ? '\\' : model.escapeChar);
  if (!cmds.length || cmds.some((c) => c.terminator === '(' || c.terminator === ')')) return undefined;
  // The daemons started first, up to the first command that is neither one.
  const started: { name: string; start: number; end: number }[] = [];
  let k = 0;
  for (; k < cmds.length - 1; k++) {
    const c = cmds[k];
    const p = programOf(c);
    if (!p || supervisorOf(c.words[p.index].text) || c.piped || !['&&', ';', '\n', '&'].includes(c.terminator ?? '')) break;
    const svc = serviceStartOf(c);
    const name = svc ? svc.service : (c.terminator === '&' || forkingDaemonOf(c)) ? (p.name === 'busybox' && c.words[p.index + 1] ? c.words[p.index + 1].text : p.name) : undefined;
    if (!name) break;
    started.push({ name, start: c.start, end: c.end });
  }
  const rest = cmds.slice(k);
  if (!started.length || rest[0].piped) return undefined;
  // Every other command must be free of daemons too, and something other than a keep-alive must remain.
  if (rest.some((c) => serviceStartOf(c) || (programOf(c) && supervisorOf(c.words[programOf(c)!.index].text)) || (c.terminator === '&' && c !== rest[rest.length - 1]))) return undefined;
  const main = programOf(rest[0]);
  if (!main || PLACEHOLDERS.has(main.name) || HARMLESS_FOLLOWERS.has(main.name)) return undefined;
  const list = [...new Set(started.map((d) => d.name))];
  const names = list.length === 1 ? `${list[0]} in its own container` : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]} in their own containers`;
  const remainder = script.slice(rest[0].start, rest[rest.length - 1].end).replace(/[\s;]+$/, '');
  // One command of plain words: exec form (a leading `exec` is what exec form does anyway).
  const one = rest.length === 1 ? rest[0] : undefined;
  let words = one && !one.redirects.length ? one.words : undefined;
  while (words && words[0]?.text === 'exec' && !words[0].quoted) words = words.slice(1);
  const startsWithAssignment = words?.some((w, i) => i === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text) && !w.quoted);
  let newText: string;
  let shown: string;
  if (words && words.length && !startsWithAssignment && words.every((w) => plainWord(w.text))) {
    newText = `[${words.map((w) => JSON.stringify(w.text)).join(', ')}]`;
    shown = words.map((w) => w.text).join(' ');
  } else if (!args) {
    newText = remainder;
    shown = remainder;
  } else {
    const raw = src.text.slice(src.offsetAt(args[0].range.start), src.offsetAt(args[1].range.end));
    newText = `[${raw}, ${JSON.stringify(remainder)}]`;
    shown = remainder;
  }
  if (shown.includes('\n')) shown = `${shown.split('\n')[0]} …`;
  const edit = { range: src.range(ins.argsOffset, argsEnd), newText };
  // Where each daemon is started in the document (the whole script string when its JSON escapes shift offsets).
  const whole = args && { start: src.offsetAt(args[2].range.start), end: src.offsetAt(args[2].range.end) };
  return {
    started: started.map((d) => (base < 0 && whole ? { ...d, ...whole } : { ...d, start: base + d.start, end: base + d.end })),
    fix: { title: `Run only \`${shown}\` in this container (run ${names} instead)`, safety: 'unsafe', edits: [edit] },
  };
}

export default defineRule({
  id: 'process-supervisor',
  title: 'Several daemons in one container',
  category: 'host-daemon',
  principle: 'processes',
  severity: 'warning',
  fix: 'unsafe',
  peers: {},
  docs: {
    why: 'A container is supervised through its main process. When it starts supervisord, s6, runit or an init system, or starts `cron`, `sshd` or `nginx` in the background before the app, the orchestrator sees one healthy process while the others may have died: nothing restarts them, their logs do not reach stdout, they miss the stop signal and cannot be scaled, updated or resourced separately. One process per container keeps restarts, logs, health and scaling in the platform\'s hands.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nRUN apk add --no-cache nginx\nCOPY . /app\nCMD nginx && node /app/server.js' },
    good: { lang: 'yaml', code: 'services:\n  web:\n    image: nginx:1.25-alpine\n  app:\n    image: shop/app:1.4.2\n    command: ["node", "/app/server.js"]' },
    notes: 'Checks what runs at start: the shipped image\'s effective CMD/ENTRYPOINT (with `sh -c` scripts and heredocs), Compose `command`/`entrypoint`, Kubernetes `command`/`args` of regular containers. Flags supervisors (supervisord, s6-svscan, s6-overlay `/init`, runit, my_init, systemd), `service X start` / `systemctl start X` / `/etc/init.d/X start`, a program backgrounded with `&` followed by another program, and daemons that fork by default (cron, crond, sshd, nginx without `daemon off;`, php-fpm without `-F`) followed by another program. Not flagged: one program run with `exec`, `tini`/`dumb-init` as init, `app & wait $!`, `nginx -t && nginx -g "daemon off;"`, `&` in RUN (build time), and scripts such as `docker-entrypoint.sh` whose contents are unknown. When the image installs supervisor in a shipped stage, the finding points at that RUN too. Quick fix (unsafe, Dockerfile CMD only): when a shell-form CMD or `CMD ["sh", "-c", "..."]` starts daemons first and then the app (`service nginx start && node server.js`, `/etc/init.d/cron start; exec app`, `nginx & node app`), it keeps only the app, in exec form (`CMD ["node", "server.js"]`) when it is plain words, else still through the shell; the daemons must then run in their own containers. No fix when what remains only keeps the container alive (`tail -f`, `sleep infinity`: the daemon is the app), for supervisors, or when the ENTRYPOINT is shell form.',
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
      for (const ins of runtimeInstructions(model)) report(commandsOf(ins, model.source), ins.keyword, model.source, ctx, related.length ? related : undefined, oneProcessFix(model, ins));
    },
    compose(model, ctx) {
      for (const svc of model.services) {
        if (svc.command) report(openShellScripts(svc.command.commands, model.source), `Service "${svc.name}" command`, model.source, ctx);
        if (svc.entrypoint) report(openShellScripts(svc.entrypoint.commands, model.source), `Service "${svc.name}" entrypoint`, model.source, ctx);
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
