import * as nodePath from 'path';
import { defineRule, RuleContext } from '../../engine/rule';
import { effectiveInstruction, finalStage } from '../../model/dockerfile';
import type { SourceText } from '../../model/range';
import { commandsOf, kubeContainerCommands, openShellScripts } from '../../knowledge/container-commands';
import { installsDependencies } from '../../knowledge/packages';
import type { ShellCommand } from '../../knowledge/shell';

/** Compose files for a development loop (`npm install && npm run dev` over a bind mount is the point there). */
const DEV_COMPOSE = /dev|override|local|test/i;
/** Workloads that run once: an install before a one-off task does not repeat on restarts or scale-out. */
const RUN_ONCE_KINDS = new Set(['Job', 'CronJob']);

function reportInstalls(commands: ShellCommand[], source: SourceText, ctx: RuleContext, where: string): void {
  for (const cmd of commands) {
    const what = installsDependencies(cmd);
    if (!what || !cmd.words.length) continue;
    const last = cmd.words[cmd.words.length - 1];
    ctx.report({
      range: source.range(cmd.words[0].start, Math.max(last.end, cmd.words[0].end)),
      message: `${where} runs \`${what}\` every time the container starts: startup then depends on the package registry, takes longer, and may install different versions than were tested. Install dependencies at build time (a RUN step in the image) and start only the application.`,
    });
  }
}

export default defineRule({
  id: 'runtime-install',
  title: 'Dependencies installed when the container starts',
  category: 'dependencies',
  principle: 'build-release-run',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A container that runs `npm install`, `pip install` or `apt-get install` as it starts is not a release: what it runs is decided at start time, by whatever the registry serves then. Every restart, reschedule or scale-out repeats the download, so a registry outage or rate limit turns into a crash loop, start-up takes minutes instead of seconds, and two replicas of the same deployment can run different dependency versions. Install at build time so the image is the tested artifact.',
    bad: { lang: 'yaml', code: 'services:\n  web:\n    image: node:20.11-alpine\n    command: sh -c "npm ci && node server.js"' },
    good: { lang: 'yaml', code: 'services:\n  web:\n    build: .   # Dockerfile: COPY package*.json . && RUN npm ci\n    command: ["node", "server.js"]' },
    notes: 'Checks the CMD and ENTRYPOINT the shipped image ends up with (inherited from parent stages included), Compose `command:`/`entrypoint:` and the `command`/`args` of Kubernetes containers (init containers are a deliberate place for one-off preparation and are not checked). Quiet for Jobs/CronJobs, services and workloads listed in the `oneShot` setting, and Compose files named for development (`*dev*`, `*override*`, `*local*`, `*test*`), where installing over a bind mount is the point. Recognises `npm install`/`npm i`/`npm ci`, `yarn`/`yarn install`, `pnpm install`, `pip install`, `apt-get`/`apt`/`yum`/`dnf install`, `apk add`, `gem install`, `bundle install`, `composer install`, `go get` and `go mod download`. `npm ci` counts: it is reproducible, but it still downloads at every start. Scripts called from the entrypoint (`docker-entrypoint.sh`) are not read. Warning rather than error: it works, until the registry is slow or the versions move.',
  },
  check: {
    dockerfile(model, ctx) {
      const final = finalStage(model);
      if (!final) return;
      for (const kw of ['ENTRYPOINT', 'CMD']) {
        const ins = effectiveInstruction(final, kw);
        if (ins) reportInstalls(commandsOf(ins, model.source), model.source, ctx, kw);
      }
    },
    compose(model, ctx) {
      if (DEV_COMPOSE.test(nodePath.basename(ctx.path))) return;
      for (const s of model.services) {
        if (ctx.settings.oneShot.includes(s.name)) continue;
        if (s.command) reportInstalls(openShellScripts(s.command.commands, model.source), model.source, ctx, `Service "${s.name}" command`);
        if (s.entrypoint) reportInstalls(openShellScripts(s.entrypoint.commands, model.source), model.source, ctx, `Service "${s.name}" entrypoint`);
      }
    },
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        if (RUN_ONCE_KINDS.has(obj.kind) || (obj.name && ctx.settings.oneShot.includes(obj.name))) continue;
        for (const c of obj.workload?.podSpec.containers ?? []) {
          reportInstalls(kubeContainerCommands(c, model.source), model.source, ctx, `Container "${c.name}"`);
        }
      }
    },
  },
});
