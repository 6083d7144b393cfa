import { defineRule, Fix, RuleContext } from '../../engine/rule';
import type { EnvEntry } from '../../model/common';
import type { Stage } from '../../model/dockerfile';
import { effectiveInstruction, finalStage } from '../../model/dockerfile';
import type { Range, SourceText } from '../../model/range';
import { commandsOf, kubeContainerCommands, openShellScripts } from '../../knowledge/container-commands';
import { devServer, productionValue } from '../../knowledge/environments';
import { substitute } from '../../knowledge/interpolation';
import { programOf, ShellCommand } from '../../knowledge/shell';
import { isDevComposeFile, isDevDockerfile, isDevStage, isProdComposeFile, varsBefore } from '../build-run/stages';
import { isNonProductionPath } from '../../knowledge/environments';
import { checkMainCompose } from './dev-mode-compose';

const DEV_WORD = '(?:dev|devel|development|local|debug|test|testing|minikube|kind|sandbox)';
/** Manifests for a development cluster: in a folder so named (`overlays/dev/`, `k8s/local/`) or named so (`deploy-dev.yaml`). */
function devManifest(filePath: string): boolean {
  const parts = filePath.split(/[\\/]/);
  const name = parts.pop() ?? '';
  return parts.slice(-3).some((d) => new RegExp(`^${DEV_WORD}$`, 'i').test(d)) || new RegExp(`(?:^|[._-])${DEV_WORD}(?:[._-]|$)`, 'i').test(name);
}

/** Plain YAML scalars that YAML 1.1 (Kubernetes' parser) reads as booleans, numbers or null, not strings. */
const YAML11_NON_STRING = /^(?:[yYnN]|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)$/;

function valueFix(source: SourceText, e: EnvEntry, good: string, yaml: boolean): (() => Fix) | undefined {
  if (e.dynamic || !e.valueRange || e.value === undefined) return undefined;
  const written = source.slice(e.valueRange);
  let range: Range = e.valueRange;
  // `value: develop,debug` → `value: off` would turn a string into a boolean (Kubernetes rejects it): quote it,
  // unless the file already wrote the old value as such a plain scalar (`DEBUG: yes` → `DEBUG: no`).
  const scalar = yaml && source.text[source.offsetAt(e.valueRange.start) - 1] !== '='; // not `- KEY=value`
  if (scalar && written === e.value && YAML11_NON_STRING.test(good) && !YAML11_NON_STRING.test(written)) {
    return () => ({ title: `Set ${e.name}=${good}`, safety: 'unsafe', edits: [{ range, newText: `"${good}"` }] });
  }
  if (written !== e.value) {
    const q = written[0];
    if ((q !== '"' && q !== '\'') || written.slice(1, -1) !== e.value) return undefined;
    const s = source.offsetAt(e.valueRange.start) + 1;
    range = source.range(s, s + e.value.length);
  }
  return () => ({ title: `Set ${e.name}=${good}`, safety: 'unsafe', edits: [{ range, newText: good }] });
}

function checkEnv(entries: EnvEntry[], where: string, source: SourceText, ctx: RuleContext, yaml: boolean, resolve?: (e: EnvEntry) => string | undefined): void {
  for (const e of entries) {
    const value = e.dynamic ? resolve?.(e) : e.value;
    if (value === undefined) continue;
    const good = productionValue(e.name, value);
    if (!good) continue;
    ctx.report({
      range: e.valueRange ?? e.range,
      message: `${where} sets ${e.name}=${value}${e.dynamic ? ` (from the default of \`${e.value}\`)` : ''}: the application runs in development or debug mode, with verbose errors, debuggers or auto-reload and without production optimisations. Leave it to the deployment environment, defaulting to ${e.name}=${good}.`,
      fix: valueFix(source, e, good, yaml),
    });
  }
}

function checkCommands(commands: ShellCommand[], where: string, source: SourceText, ctx: RuleContext): void {
  for (const c of commands) {
    const p = programOf(c);
    if (!p) continue;
    const what = devServer(c.words.slice(p.index).map((w) => w.text));
    if (!what) continue;
    const last = c.words[c.words.length - 1];
    ctx.report({
      range: source.range(c.words[p.index].start, Math.max(last.end, c.words[p.index].end)),
      message: `${where} starts ${what}, a development server (auto-reload, debug pages, single process, not hardened) that its authors say not to run in production. Start a production server instead (gunicorn/uvicorn without --reload, \`node\` on the built output, a static file server).`,
    });
  }
}

/** Shipped stages, except ones whose name says they are a development target. */
function shippedStages(stages: Stage[]): Stage[] {
  return stages.filter((s) => s.ships && !isDevStage(s));
}

export default defineRule({
  id: 'dev-mode-in-image',
  title: 'Development mode baked into the image or deployment',
  category: 'config',
  principle: 'dev-prod-parity',
  severity: 'warning',
  fix: 'unsafe',
  peers: {},
  docs: {
    why: '`NODE_ENV=development`, `FLASK_DEBUG=1`, `RAILS_ENV=development` or a `flask run` / `npm run dev` command switch the application into a mode meant for a laptop: detailed error pages that leak internals, interactive debuggers (the Werkzeug console executes code), auto-reloaders watching files, unminified assets and no caching. Baked into the image, that mode follows the release into production unless every deployment remembers to override it. The image should default to production behaviour and let development setups opt in.',
    bad: { lang: 'dockerfile', code: 'FROM python:3.12-slim\nENV FLASK_ENV=development FLASK_DEBUG=1\nCOPY . /app\nCMD ["flask", "run", "--host=0.0.0.0"]' },
    good: { lang: 'dockerfile', code: 'FROM python:3.12-slim\nCOPY . /app\nCMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]\n# compose.override.yaml (development): environment: { FLASK_DEBUG: "1" }' },
    notes: 'Checks ENV in the stages that ship (stages named `dev`, `debug`, `test`, … and Dockerfiles named `Dockerfile.dev`, `Dockerfile.debug`, … are development targets and skipped; `$VAR` values are resolved from ARG/ENV defaults), the shipped CMD/ENTRYPOINT, Kubernetes container `env` and commands (not in files or folders named for development: `overlays/dev/`, `*-local.yaml`, `minikube`, …), Compose `environment`/`command` in files named for production (`*prod*`, `*deploy*`, `*stack*`, …; one finding per setting), and the main Compose file (`compose.yaml`, `docker-compose.yml`: what `docker compose up` runs when nothing else is chosen) with one finding per service naming its evidence: a `build.target` named `dev`/`development`/`debug`, a development server or debugger in `command`/`entrypoint`, a development switch in `environment`. Not judged: overrides and files named or placed for development (`compose.override.yaml`, `*dev*`, `*local*`, `*test*`, `*ci*`, `*debug*`, folders such as `dev/`, `examples/`, `tests/`), services only started on request (`profiles: [dev]`, `[debug]`, `[test]`), values from variables. Mode variables: NODE_ENV, APP_ENV, RAILS_ENV, RACK_ENV, FLASK_ENV, DJANGO_ENV, ASPNETCORE_ENVIRONMENT, DOTNET_ENVIRONMENT, MIX_ENV, ENVIRONMENT, SPRING_PROFILES_ACTIVE and others set to dev/development/debug/local; debug switches FLASK_DEBUG, DJANGO_DEBUG, APP_DEBUG, DEBUG, WP_DEBUG set to true/1/yes/on; GIN_MODE=debug; XDEBUG_MODE=debug. Development servers: `flask run`, `manage.py runserver`, `npm`/`yarn`/`pnpm run dev|serve|watch`, `nodemon`, `ts-node-dev`, `webpack serve`, `ng serve`, `next dev`, `vite`, `react-scripts start`, `uvicorn`/`gunicorn --reload` (also `python -m uvicorn`), `node --inspect=0.0.0.0`/`--inspect-brk` (the inspector runs code for whoever connects; `--inspect` alone listens on localhost and is not flagged), `rails s -e development`, `php artisan serve`, `php -S`. The fix sets the production value; it is unsafe because behaviour changes (with NODE_ENV=production `npm ci` skips devDependencies, for one).',
  },
  check: {
    dockerfile(model, ctx) {
      if (isDevDockerfile(ctx.path)) return;
      for (const stage of shippedStages(model.stages)) {
        for (const ins of stage.instructions) {
          if (ins.keyword !== 'ENV') continue;
          checkEnv(ins.properties, 'ENV', model.source, ctx, false, (e) => e.value !== undefined ? substitute(e.value, varsBefore(model, stage, ins)) : undefined);
        }
      }
      const final = finalStage(model);
      if (!final || isDevStage(final)) return;
      for (const kw of ['ENTRYPOINT', 'CMD']) {
        const ins = effectiveInstruction(final, kw);
        if (ins) checkCommands(commandsOf(ins, model.source), kw, model.source, ctx);
      }
    },
    compose(model, ctx) {
      if (isDevComposeFile(ctx.path)) return;
      if (!isProdComposeFile(ctx.path)) {
        // The main Compose file (not an override, not named or placed for development) is what runs when
        // nothing else is said: one finding per service, naming the evidence.
        if (!isNonProductionPath(ctx.path, (p) => ctx.fileExists(p))) checkMainCompose(model, ctx);
        return;
      }
      for (const s of model.services) {
        checkEnv(s.environment, `Service "${s.name}"`, model.source, ctx, true);
        if (s.command) checkCommands(openShellScripts(s.command.commands, model.source), `Service "${s.name}"`, model.source, ctx);
      }
    },
    kubernetes(model, ctx) {
      if (devManifest(ctx.path)) return;
      for (const obj of model.objects) {
        for (const c of obj.workload?.podSpec.containers ?? []) {
          checkEnv(c.env.filter((e) => !e.valueFrom), `Container "${c.name}"`, model.source, ctx, true);
          checkCommands(kubeContainerCommands(c, model.source), `Container "${c.name}"`, model.source, ctx);
        }
      }
    },
  },
});
