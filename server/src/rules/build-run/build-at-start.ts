import { defineRule, RuleContext } from '../../engine/rule';
import { effectiveInstruction, finalStage } from '../../model/dockerfile';
import type { SourceText } from '../../model/range';
import { buildCommand } from '../../knowledge/build-tools';
import { commandsOf, kubeContainerCommands, serviceCommands } from '../../knowledge/container-commands';
import { isJobName } from '../../knowledge/lifecycle';
import { runsToCompletion } from '../../model/kubernetes';
import { programOf, ShellCommand } from '../../knowledge/shell';
import { isDevComposeFile } from './stages';


/**
 * Build steps a container runs before (or instead of) starting its program. A build that is the last
 * command is a build job that exits (a frontend builder service), not a server building as it starts;
 * compile-and-run commands (`go run`, `mvn spring-boot:run`) always count.
 */
function startBuilds(commands: ShellCommand[]): { label: string; start: number; end: number }[] {
  const withProgram = commands.filter((c) => programOf(c));
  const out: { label: string; start: number; end: number }[] = [];
  withProgram.forEach((c, i) => {
    const b = buildCommand(c);
    if (!b || (!b.runs && i === withProgram.length - 1)) return;
    const last = c.words[c.words.length - 1];
    out.push({ label: b.label, start: c.words[0].start, end: Math.max(last.end, c.words[0].end) });
  });
  return out;
}

function report(commands: ShellCommand[], source: SourceText, ctx: RuleContext, where: string): void {
  for (const b of startBuilds(commands)) {
    ctx.report({
      range: source.range(b.start, b.end),
      message: `${where} runs \`${b.label}\` every time the container starts: start-up takes the length of a build, needs the compilers and sources in the running image, and can produce something other than what was tested. Build in the Dockerfile (a RUN step, ideally in a builder stage) and start only the built program.`,
    });
  }
}

export default defineRule({
  id: 'build-at-start',
  title: 'Application built when the container starts',
  category: 'build-run',
  principle: 'build-release-run',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A release is a build plus configuration, made once and started many times. A container that runs `npm run build`, `go run`, `mvn spring-boot:run` or `tsc` as it starts rebuilds on every restart, reschedule and scale-out: start-up takes minutes, health checks time out, the image must carry compilers and sources, and two replicas can end up running different builds. Build at image build time and start the artifact.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD npm run build && node dist/server.js' },
    good: { lang: 'dockerfile', code: 'FROM node:20.11-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\nFROM node:20.11-alpine\nWORKDIR /app\nCOPY --from=build /app/dist ./dist\nCMD ["node", "dist/server.js"]' },
    notes: 'Checks the CMD/ENTRYPOINT the shipped image ends up with, Compose `command:`/`entrypoint:` and Kubernetes `command`/`args` (`sh -c` scripts are opened). Build commands: `npm`/`yarn`/`pnpm run build|compile`, `npx tsc|webpack|vite build`, `tsc`, `webpack`, `next build`, `ng build`, `go build|install`, `cargo build`, `mvn package|install|verify`, `gradle build|bootJar|installDist`, `dotnet build|publish`, `javac`, `cmake --build`; compile-and-run commands: `go run`, `cargo run`, `dotnet run|watch`, `mvn spring-boot:run`, `gradle bootRun|run`. A build that is the container\'s last command is a build job that exits and is not reported; neither are Kubernetes Jobs/CronJobs, services named as jobs (`builder`, `build`, `*-init`) or listed in `oneShot`, and Compose files named for development (`*dev*`, `*override*`, `*local*`, `*test*`). Scripts called from the command (`./start.sh`) are not read.',
  },
  check: {
    dockerfile(model, ctx) {
      const final = finalStage(model);
      if (!final) return;
      for (const kw of ['ENTRYPOINT', 'CMD']) {
        const ins = effectiveInstruction(final, kw);
        if (ins) report(commandsOf(ins, model.source), model.source, ctx, kw);
      }
    },
    compose(model, ctx) {
      if (isDevComposeFile(ctx.path)) return;
      for (const s of model.services) {
        if (ctx.settings.oneShot.includes(s.name) || isJobName(s.name)) continue;
        report(serviceCommands(model, s), model.source, ctx, `Service "${s.name}"`);
      }
    },
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        if (!obj.workload || runsToCompletion(obj.workload) || (obj.name && ctx.settings.oneShot.includes(obj.name))) continue;
        for (const c of obj.workload.podSpec.containers) report(kubeContainerCommands(c, model.source), model.source, ctx, `Container "${c.name}"`);
      }
    },
  },
});
