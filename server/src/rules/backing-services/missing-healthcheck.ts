import { defineRule, Fix, RuleContext } from '../../engine/rule';
import type { ComposeModel, ComposeService } from '../../model/compose';
import type { DockerfileModel, Instruction, Stage } from '../../model/dockerfile';
import { effectiveInstruction, finalStage } from '../../model/dockerfile';
import { commandsOf, SHELL_PROGRAMS } from '../../knowledge/container-commands';
import { datastoreOfImage } from '../../knowledge/datastores';
import { imageBaseName } from '../../knowledge/image';
import { isBareRuntime, isNonServingImagePath, jobProgramOf, officialHealthTest } from '../../knowledge/lifecycle';
import { programOf, ShellCommand } from '../../knowledge/shell';
import { backingServiceOf, composeHealth, composeOneShot, serviceImage } from './service-facts';
import { appendToMap, eolOf, stepBelow } from './yaml-edit';
import { dockerfileLineBreakOf } from '../../model/line-breaks';

/** Base images that run a server by default, so an image built on them serves even without CMD/EXPOSE of its own. */
const SERVER_BASES = new Set(['nginx', 'httpd', 'caddy', 'traefik', 'haproxy', 'tomcat', 'jetty', 'wildfly', 'envoy', 'openresty', 'varnish', 'unit']);

function chain(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.parent) out.push(s);
  return out;
}

function exposed(stage: Stage): Instruction | undefined {
  for (const s of chain(stage)) for (const i of s.instructions) if (i.keyword === 'EXPOSE') return i;
  return undefined;
}

function rootImageName(stage: Stage): string | undefined {
  const root = chain(stage).pop();
  return root?.image && !root.image.dynamic ? imageBaseName(root.image) : undefined;
}

function serverBase(stage: Stage): boolean {
  const root = chain(stage).pop();
  if (!root?.image || root.image.dynamic) return false;
  const base = imageBaseName(root.image);
  return SERVER_BASES.has(base) || datastoreOfImage(root.image) !== undefined || (base === 'php' && /fpm|apache/.test(root.image.tag ?? ''));
}

/**
 * `FROM scratch` and distroless images have no shell for a HEALTHCHECK command; they are built for Kubernetes,
 * where probes do the job (and Kubernetes ignores HEALTHCHECK).
 */
function shellless(stage: Stage): boolean {
  const root = chain(stage).pop();
  if (!root) return false;
  if (!root.image) return /^\s*(?:--\S+\s+)*scratch\b/i.test(root.from.argsText);
  // Read from the written reference too: `gcr.io/distroless/static:latest-$ARCH` has an unresolved tag.
  return /(?:^|\/)distroless\/|^cgr\.dev\/chainguard\/static(?:[:@]|$)/.test(`${root.image.registry ?? ''}/${root.image.repository}`.replace(/^\//, ''))
    || /(?:^|\/)distroless\//.test(root.image.raw);
}

/** Programs that serve by definition, and options that name an address to listen on (`--listen :9000`, `--port=80`). */
const SERVER_PROGRAMS = new Set(['gunicorn', 'uvicorn', 'hypercorn', 'daphne', 'waitress-serve', 'puma', 'unicorn', 'nginx', 'httpd', 'apache2-foreground', 'php-fpm', 'caddy', 'traefik', 'envoy', 'haproxy']);
const LISTEN_OPTION = /^--?(?:listen|port|bind|addr|address|http-?port|http-?addr|web\.listen-address)(?:=|$)/i;

const SCRIPT_INTERPRETERS = new Set(['python', 'python2', 'python3', 'node', 'ruby', 'perl', 'php', 'deno', 'bun']);

function runsScript(commands: ShellCommand[]): boolean {
  const last = commands[commands.length - 1];
  const p = last ? programOf(last) : undefined;
  return p !== undefined && SCRIPT_INTERPRETERS.has(p.name) && last.words.slice(p.index + 1).some((w) => /\.(?:py|js|mjs|cjs|ts|rb|pl|php)$/.test(w.text));
}

function listens(commands: ShellCommand[]): boolean {
  return commands.some((c) => {
    const p = programOf(c);
    return (p !== undefined && SERVER_PROGRAMS.has(p.name)) || c.words.some((w) => LISTEN_OPTION.test(w.text));
  });
}

function dockerfileFix(model: DockerfileModel, stage: Stage, expose: Instruction | undefined, runtime: Instruction | undefined): (() => Fix | undefined) | undefined {
  const port = expose?.args.find((a) => !a.dynamic && /^\d+(?:\/tcp)?$/.test(a.value))?.value.replace(/\/tcp$/, '');
  if (!port) return undefined;
  return () => {
    const src = model.source;
    const eol = dockerfileLineBreakOf(src.text);
    const line = `HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD curl -fsS http://localhost:${port}/ || exit 1`;
    const before = runtime && runtime.stage === stage ? runtime : undefined;
    const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
    const edit = before
      ? { range: { start: { line: before.range.start.line, character: 0 }, end: { line: before.range.start.line, character: 0 } }, newText: line + eol }
      : { range: { start: last.range.end, end: last.range.end }, newText: eol + line };
    return { title: `Add a HEALTHCHECK probing port ${port} (needs curl in the image)`, safety: 'unsafe', edits: [edit] };
  };
}

/** Entry-point wrappers that hand over to CMD (`exec "$@"`): the program that matters is CMD's. */
const WRAPPER = /(?:^|[-_])entrypoint(?:\.sh)?$|^\/?init$/i;

/**
 * What the container runs: exec-form ENTRYPOINT and CMD joined into one argument vector (as Docker
 * does), with an entry-point wrapper script dropped; a shell-form ENTRYPOINT alone; or CMD.
 */
function runtimeCommands(model: DockerfileModel, entry: Instruction | undefined, cmd: Instruction | undefined): ShellCommand[] {
  const cmdCommands = cmd ? commandsOf(cmd, model.source) : [];
  if (!entry) return cmdCommands;
  const entryCommands = commandsOf(entry, model.source);
  if (!entry.execForm || entryCommands.length !== 1) return entryCommands;
  const words = entryCommands[0].words.filter((w, i) => !(i === 0 && WRAPPER.test(w.text.split('/').pop() ?? '')));
  if (!cmd) return words.length ? [{ ...entryCommands[0], words }] : [];
  if (!cmd.execForm || cmdCommands.length !== 1) return words.length ? [{ ...entryCommands[0], words }] : cmdCommands;
  const all = [...words, ...cmdCommands[0].words];
  return [{ ...entryCommands[0], words: all }];
}

function checkDockerfile(model: DockerfileModel, ctx: RuleContext): void {
  const final = finalStage(model);
  if (!final) return;
  if (effectiveInstruction(final, 'HEALTHCHECK')) return;
  const cmd = effectiveInstruction(final, 'CMD');
  const entry = effectiveInstruction(final, 'ENTRYPOINT');
  const expose = exposed(final);
  const runtime = entry ?? cmd;
  const commands = runtimeCommands(model, entry, cmd);
  // Run-and-done images (CLIs, migrations, builds) and bare runtimes meant as bases get no health check.
  if (jobProgramOf(commands) || isBareRuntime(commands)) return;
  // Test runners, CI and base images, cron images: nothing to probe in production.
  if (isNonServingImagePath(ctx.path, (f) => ctx.fileExists(f)) || (final.name !== undefined && /(?:^|-)base$/.test(final.name)) || shellless(final)) return;
  if (!runtime && !expose && !serverBase(final)) return;
  // An unresolved base (`FROM $BASE_IMAGE`) may bring its own HEALTHCHECK or be a distroless image for Kubernetes.
  const root = chain(final).pop();
  if (!expose && root?.image?.dynamic) return;
  // An interpreter running a script, without EXPOSE or a listening option, is as likely a job that exits.
  if (!expose && !serverBase(final) && !listens(commands) && runsScript(commands)) return;
  // Without EXPOSE, a shell script is as likely a deploy or batch job as a server.
  const main = commands.length ? programOf(commands[commands.length - 1]) : undefined;
  if (!expose && main && (SHELL_PROGRAMS.has(main.name) || main.name.endsWith('.sh'))) return;
  const what = expose ? `exposes ${expose.args.map((a) => a.value).join(', ')}` : runtime ? `runs \`${model.source.slice(runtime.argsRange ?? runtime.range).replace(/\s+/g, ' ').slice(0, 60)}\`` : `is built on ${rootImageName(final)} (a server)`;
  ctx.report({
    severity: 'info',
    range: final.from.range,
    message: `The shipped image ${what} but has no HEALTHCHECK: Docker and Compose report it "running" while the app hangs or fails to start, so nothing waits for it or flags it. Add a HEALTHCHECK that probes the app (Kubernetes ignores it: use probes there).`,
    fix: dockerfileFix(model, final, expose, runtime),
  });
}

function composeFix(model: ComposeModel, s: ComposeService, test: string): Fix | undefined {
  const src = model.source;
  const step = ' '.repeat(stepBelow(src, s.keyRange.start.character, s.raw));
  const edit = appendToMap(src, s.raw, ['healthcheck:', `${step}test: ${test}`, `${step}interval: 10s`, `${step}timeout: 5s`, `${step}retries: 5`, `${step}start_period: 30s`]);
  if (!edit) return undefined;
  return { title: `Add a healthcheck to "${s.name}"`, safety: 'safe', edits: [edit] };
}

function checkCompose(model: ComposeModel, ctx: RuleContext): void {
  if (model.templated) return;
  for (const s of model.services) {
    if (s.raw.has('extends') || composeOneShot(model, s, ctx)) continue;
    const health = composeHealth(s, ctx);
    if (health.state === 'defined' || health.state === 'image') continue;
    const backing = backingServiceOf(s, ctx);
    const dependents = model.services.filter((o) => o !== s && o.dependsOn.some((d) => d.name === s.name)).map((o) => o.name);
    const serving = s.ports.length > 0 || (s.raw.get('expose')?.items().length ?? 0) > 0;
    if (health.state === 'disabled') {
      ctx.report({
        severity: 'info', range: health.range!,
        message: `Service "${s.name}" turns its healthcheck off: nothing reports it when it hangs, and dependents cannot wait for it to be ready. Keep a healthcheck unless the image's own one is broken (then replace it).`,
      });
      continue;
    }
    if (!backing && !serving && !dependents.length) continue;
    // A third-party image may define its own HEALTHCHECK, which this file cannot see: only a service that is
    // built here (its Dockerfile is read), waited on by others or a known backing service is judged.
    if (!backing && !dependents.length && !s.build) continue;
    const image = serviceImage(s, ctx);
    const test = backing && image ? officialHealthTest(backing, image) : undefined;
    const who = backing ? `runs ${backing === 'memcached' ? 'memcached' : `a ${backing} backing service`}` : serving ? 'serves traffic' : `is used by ${dependents.join(', ')}`;
    const waiting = dependents.length ? ` ${dependents.map((d) => `"${d}"`).join(', ')} cannot wait for it to be ready (\`condition: service_healthy\`), and` : '';
    ctx.report({
      severity: backing ? undefined : 'info',
      range: s.keyRange,
      message: `Service "${s.name}" ${who} but has no healthcheck:${waiting} Compose shows it "running" while it is still starting or has hung. Add a \`healthcheck:\` that probes it${test ? '' : ' (or set one in its image)'}.`,
      fix: test ? () => composeFix(model, s, test) : undefined,
    });
  }
}

export default defineRule({
  id: 'missing-healthcheck',
  title: 'Long-running service without a health check',
  category: 'backing-services',
  principle: 'backing-services',
  severity: 'warning',
  fix: 'safe',
  peers: {
    hadolint: ['DL3057'], kics: ['healthcheck_instruction_missing', 'healthcheck_not_set'], checkov: ['CKV_DOCKER_2'], trivy: ['DS-0026'],
  },
  docs: {
    why: 'Without a health check a container is "running" as long as its process exists: a database still replaying its log, an app stuck in a deadlock or a server that failed to bind its port all look fine. Dependents started with `depends_on` connect too early and crash, `docker compose ps` and Swarm show nothing wrong, and nobody is told. A health check lets Compose wait for readiness (`condition: service_healthy`) and makes hangs visible.',
    bad: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.2\n  api:\n    build: .\n    ports: ["8080:8080"]\n    depends_on: [db]' },
    good: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.2\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres}"]\n      interval: 10s\n      timeout: 5s\n      retries: 5\n  api:\n    build: .\n    ports: ["8080:8080"]\n    depends_on:\n      db:\n        condition: service_healthy' },
    notes: 'Compose: a warning for datastores, queues and caches (recognised by image, or by the base image of a built service); info for other services that publish ports or that others depend on; info for a healthcheck turned off (`disable: true`, `test: ["NONE"]`). A service built from a Dockerfile with a HEALTHCHECK counts as checked. Workers with no ports and no dependents, one-shot services (listed in `oneShot`, `restart_policy: condition: none`, awaited with `service_completed_successfully`, named like `migrate`/`seed`/`*-init`, running a client such as `psql` or a job such as `npm run build`, or only in a tools/test profile) and services using `extends` are not flagged. Dockerfile (info): the shipped stage (multi-stage aware) needs a HEALTHCHECK when it exposes a port, runs a server command, or is built on a server image (nginx, httpd, a datastore, ...); images whose command is a job (`make`, `npm run build`, `migrate`, a CLI) or a bare shell/REPL (`CMD ["python3"]`, a base image) are left alone, and `HEALTHCHECK NONE` is respected. Kubernetes ignores HEALTHCHECK: see `missing-probes`. Fixes: Compose services running official PostgreSQL, MySQL, MongoDB 5+, Redis/Valkey and RabbitMQ images get a known-good healthcheck; Dockerfiles that EXPOSE a port get an unsafe curl-based skeleton (curl must be in the image).',
  },
  check: { dockerfile: checkDockerfile, compose: checkCompose },
});
