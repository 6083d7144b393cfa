import { defineRule, Fix, RuleContext } from '../../engine/rule';
import { DockerfileModel, effectiveInstruction, finalStage, Instruction } from '../../model/dockerfile';
import type { SourceText } from '../../model/range';
import { commandsOf, kubeContainerCommands, openShellScripts } from '../../knowledge/container-commands';
import { runsToCompletion } from '../../model/kubernetes';
import { installsDependencies } from '../../knowledge/packages';
import { isDevComposeFile } from '../build-run/stages';
import { argsOf, programOf, ShellCommand } from '../../knowledge/shell';
import { dockerfileLineBreakOf } from '../../model/line-breaks';

/** `apt-get update`, `apk update`: refreshes the package index for the installs that follow. */
function refreshesIndex(cmd: ShellCommand): boolean {
  const p = programOf(cmd);
  return !!p && /^(?:apt-get|apt|apk)$/.test(p.name) && argsOf(cmd).some((a) => a.text === 'update');
}

/**
 * The installs a CMD/ENTRYPOINT script starts with, joined to the rest by `&&`: `npm ci && node server.js`
 * (shell form, `sh -c "..."` in either form). They can move into a RUN before the instruction, and the
 * rest stays. Undefined when the layout does not allow an exact edit (escapes, an install after other
 * commands, nothing left to run).
 */
function leadingInstalls(commands: ShellCommand[], source: SourceText): { installs: ShellCommand[]; rest: ShellCommand } | undefined {
  let n = 0;
  while (n < commands.length && (installsDependencies(commands[n]) || refreshesIndex(commands[n])) && commands[n].terminator === '&&' && !commands[n].piped) n++;
  // The package index refresh (`apt-get update`) goes along with the installs it prepares, never alone.
  while (n > 0 && !installsDependencies(commands[n - 1])) n--;
  if (!n || n >= commands.length) return undefined;
  const words = commands.slice(0, n + 1).flatMap((c) => c.words);
  // Offsets are exact only when every word sits after the previous one (escaped scripts point all words at the whole string).
  for (let i = 1; i < words.length; i++) if (words[i].start < words[i - 1].end) return undefined;
  const rest = commands[n];
  if (!rest.words.length || rest.start < commands[n - 1].end) return undefined;
  const script = source.text.slice(commands[0].start, commands[n - 1].end);
  if (/[\r\n]/.test(script.replace(/\\\r?\n/g, ''))) return undefined;
  return { installs: commands.slice(0, n), rest };
}

/** Moves the leading installs of a final-stage CMD/ENTRYPOINT into a RUN just before it. */
function moveToRunFix(ins: Instruction, model: DockerfileModel): (() => Fix) | undefined {
  const source = model.source;
  const found = leadingInstalls(commandsOf(ins, source), source);
  if (!found) return undefined;
  const { installs, rest } = found;
  const last = installs[installs.length - 1];
  const lastWord = last.words[last.words.length - 1];
  const end = Math.max(lastWord.end, ...last.redirects.map((r) => r.target?.end ?? r.start));
  const script = source.text.slice(installs[0].start, end);
  const insStart = source.offsetAt(ins.range.start);
  const lineStart = source.lineStart(ins.range.start.line);
  const indent = source.text.slice(lineStart, insStart);
  if (indent.trim()) return undefined;
  const eol = dockerfileLineBreakOf(source.text);
  const what = [...new Set(installs.map((c) => installsDependencies(c)).filter((w): w is string => !!w))].map((w) => `\`${w}\``).join(', ');
  return () => ({
    title: `Install at build time: move ${what} into a RUN before ${ins.keyword}`,
    safety: 'unsafe',
    edits: [
      { range: source.range(insStart, insStart), newText: `RUN ${script}${eol}${indent}` },
      { range: source.range(installs[0].start, rest.start), newText: '' },
    ],
  });
}

function reportInstalls(commands: ShellCommand[], source: SourceText, ctx: RuleContext, where: string, fix?: { leading: Set<ShellCommand>; make: () => (() => Fix) | undefined }): void {
  for (const cmd of commands) {
    const what = installsDependencies(cmd);
    if (!what || !cmd.words.length) continue;
    const last = cmd.words[cmd.words.length - 1];
    ctx.report({
      range: source.range(cmd.words[0].start, Math.max(last.end, cmd.words[0].end)),
      message: `${where} runs \`${what}\` every time the container starts: startup then depends on the package registry, takes longer, and may install different versions than were tested. Install dependencies at build time (a RUN step in the image) and start only the application.`,
      fix: fix?.leading.has(cmd) ? fix.make() : undefined,
    });
  }
}

export default defineRule({
  id: 'runtime-install',
  title: 'Dependencies installed when the container starts',
  category: 'dependencies',
  principle: 'build-release-run',
  severity: 'warning',
  fix: 'unsafe',
  peers: {},
  docs: {
    why: 'A container that runs `npm install`, `pip install` or `apt-get install` as it starts is not a release: what it runs is decided at start time, by whatever the registry serves then. Every restart, reschedule or scale-out repeats the download, so a registry outage or rate limit turns into a crash loop, start-up takes minutes instead of seconds, and two replicas of the same deployment can run different dependency versions. Install at build time so the image is the tested artifact.',
    bad: { lang: 'yaml', code: 'services:\n  web:\n    image: node:20.11-alpine\n    command: sh -c "npm ci && node server.js"' },
    good: { lang: 'yaml', code: 'services:\n  web:\n    build: .   # Dockerfile: COPY package*.json . && RUN npm ci\n    command: ["node", "server.js"]' },
    notes: 'Checks the CMD and ENTRYPOINT the shipped image ends up with (inherited from parent stages included), Compose `command:`/`entrypoint:` and the `command`/`args` of Kubernetes containers (init containers are a deliberate place for one-off preparation and are not checked). Quiet for Jobs/CronJobs, services and workloads listed in the `oneShot` setting, and Compose files named for development (`*dev*`, `*override*`, `*local*`, `*test*`), where installing over a bind mount is the point. Recognises `npm install`/`npm i`/`npm ci`, `yarn`/`yarn install`, `pnpm install`, `pip install`, `apt-get`/`apt`/`yum`/`dnf install`, `apk add`, `gem install`, `bundle install`, `composer install`, `go get` and `go mod download`. `npm ci` counts: it is reproducible, but it still downloads at every start. Scripts called from the entrypoint (`docker-entrypoint.sh`) are not read. Warning rather than error: it works, until the registry is slow or the versions move. Quick fix (Dockerfile only, unsafe): when the final stage\'s own CMD or ENTRYPOINT starts with the installs joined by `&&` (`npm ci && node server.js`, also inside `sh -c "..."`, with an `apt-get update` before them), they move into a new `RUN` line just before it and the rest of the command stays in its form; it is unsafe because the install then runs as the build\'s user, without the run-time environment and volumes, and a failing install fails the build. No fix for an install after other commands, for CMDs inherited from a parent stage, or for Compose and Kubernetes: there the install belongs in the Dockerfile of the image, which has to be rebuilt.',
  },
  check: {
    dockerfile(model, ctx) {
      const final = finalStage(model);
      if (!final) return;
      for (const kw of ['ENTRYPOINT', 'CMD']) {
        const ins = effectiveInstruction(final, kw);
        if (!ins) continue;
        const commands = commandsOf(ins, model.source);
        // Only the final stage's own instruction: an inherited one belongs to a parent stage's text.
        const own = final.instructions.includes(ins) ? leadingInstalls(commands, model.source) : undefined;
        reportInstalls(commands, model.source, ctx, kw, own && { leading: new Set(own.installs), make: () => moveToRunFix(ins, model) });
      }
    },
    compose(model, ctx) {
      if (isDevComposeFile(ctx.path)) return;
      for (const s of model.services) {
        if (ctx.settings.oneShot.includes(s.name)) continue;
        if (s.command) reportInstalls(openShellScripts(s.command.commands, model.source), model.source, ctx, `Service "${s.name}" command`);
        if (s.entrypoint) reportInstalls(openShellScripts(s.entrypoint.commands, model.source), model.source, ctx, `Service "${s.name}" entrypoint`);
      }
    },
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        if (runsToCompletion(obj.workload) || (obj.name && ctx.settings.oneShot.includes(obj.name))) continue;
        for (const c of obj.workload?.podSpec.containers ?? []) {
          reportInstalls(kubeContainerCommands(c, model.source), model.source, ctx, `Container "${c.name}"`);
        }
      }
    },
  },
});
