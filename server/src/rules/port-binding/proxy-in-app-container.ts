import { defineRule } from '../../engine/rule';
import type { DockerfileModel, Stage } from '../../model/dockerfile';
import { finalStage } from '../../model/dockerfile';
import type { Range } from '../../model/range';
import { forkingDaemonOf, installedPackages, packageName, serviceStartOf, supervisorOf } from '../../knowledge/daemons';
import { programOf, ShellCommand } from '../../knowledge/shell';
import { isAppProgram, isProxyImage, isRuntimeImage, PROXY_PACKAGES, PROXY_PROGRAMS } from '../../knowledge/web-tier';
import { runtimeInstructions } from '../host-daemon/shared';
import { commandsOf } from '../../knowledge/container-commands';

/** Packages that install an application runtime or app server (what a bundled proxy would front). */
const APP_PACKAGES = /^(?:nodejs|npm|python3?|python3\.\d+|openjdk-\d+-jre(?:-headless)?|openjdk\d*|java-\d+-openjdk(?:-headless)?|ruby|php\d*(?:\.\d+)?-fpm|php\d*-fpm|php-fpm\d*|gunicorn|uwsgi|puma|dotnet-runtime-[\d.]+|aspnetcore-runtime-[\d.]+)$/;

function rootOf(stage: Stage): Stage {
  let s = stage;
  while (s.parent) s = s.parent;
  return s;
}

/**
 * Whether process-supervisor already reports these commands (a supervisor, `service X start`, a job
 * put in the background or a forking daemon followed by another program): the same image would
 * otherwise be reported twice for one cause.
 */
function coveredByProcessSupervisor(cmds: ShellCommand[]): boolean {
  return cmds.some((c, i) => {
    const p = programOf(c);
    if (!p) return false;
    if (supervisorOf(c.words[p.index].text) || serviceStartOf(c)) return true;
    const more = cmds.slice(i + 1).some((n) => programOf(n));
    return more && (c.terminator === '&' || !!forkingDaemonOf(c));
  });
}

interface Found { what: string; range: Range }

function proxyIn(model: DockerfileModel, final: Stage): Found | undefined {
  const root = rootOf(final);
  if (root.image && isProxyImage(root.image)) return { what: root.image.repository, range: root.from.range };
  for (const st of model.stages) {
    if (!st.ships) continue;
    for (const ins of st.instructions) {
      if (ins.keyword !== 'RUN') continue;
      for (const c of commandsOf(ins, model.source)) {
        const pkg = installedPackages(c)?.packages.find((w) => PROXY_PACKAGES[packageName(w.text)]);
        if (pkg) return { what: PROXY_PACKAGES[packageName(pkg.text)], range: ins.range };
      }
    }
  }
  return undefined;
}

function appIn(model: DockerfileModel, final: Stage, programs: string[]): string | undefined {
  const runtime = programs.find((p) => isAppProgram(p));
  if (runtime) return runtime;
  const root = rootOf(final);
  if (root.image && isRuntimeImage(root.image)) return root.image.repository;
  for (const st of model.stages) {
    if (!st.ships) continue;
    for (const ins of st.instructions) {
      if (ins.keyword !== 'RUN') continue;
      for (const c of commandsOf(ins, model.source)) {
        const pkg = installedPackages(c)?.packages.find((w) => APP_PACKAGES.test(packageName(w.text)));
        if (pkg) return packageName(pkg.text);
      }
    }
  }
  return undefined;
}

export default defineRule({
  id: 'proxy-in-app-container',
  title: 'Reverse proxy bundled into the app image',
  category: 'port-binding',
  principle: 'port-binding',
  severity: 'info',
  set: 'strict',
  setReason: 'A language runtime installed for tooling (config templating) cannot be told from an app server; 2 of 4 findings read were right (docs/precision.md).',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A self-contained app binds its own port; routing, TLS and static files belong to a separate proxy or the platform\'s ingress. When nginx, Apache, Caddy or HAProxy is baked into the app\'s image and started beside it (usually by an entrypoint script), the container holds two servers: when one dies the other keeps the container "running", health checks probe the proxy instead of the app, proxy and app cannot be scaled, updated or given resources separately, and the image needs root-level config for a port the orchestrator already handles.',
    bad: { lang: 'dockerfile', code: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends nginx\nCOPY . /app\nCMD ["/app/start.sh"]   # starts nginx, then gunicorn' },
    good: { lang: 'yaml', code: 'services:\n  proxy:\n    image: nginx:1.27-alpine\n    ports:\n      - "80:80"\n  app:\n    build: .\n    command: ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]' },
    notes: 'Dockerfile only: the shipped image contains a reverse proxy (a proxy base image such as nginx or httpd, or a proxy package installed in a shipped stage) and an app runtime (a runtime base image such as python or php-fpm, an installed runtime package, or an app program in CMD/ENTRYPOINT). Not flagged: an image that only runs the proxy (static sites), `php:*-apache` (Apache with mod_php is one server), and commands that process-supervisor already reports (supervisord, `service nginx start`, `nginx && app`, `proxy & app`), so one cause gives one finding.',
  },
  check: {
    dockerfile(model, ctx) {
      const final = finalStage(model);
      if (!final) return;
      const cmds = runtimeInstructions(model).flatMap((ins) => commandsOf(ins, model.source));
      if (coveredByProcessSupervisor(cmds)) return;
      const programs = cmds.map((c) => programOf(c)?.name).filter((p): p is string => !!p);
      // The proxy alone at run time: a static site or a proxy image, not an app behind it.
      if (programs.length && programs.every((p) => PROXY_PROGRAMS[p])) return;
      const proxy = proxyIn(model, final);
      if (!proxy) return;
      const app = appIn(model, final, programs);
      if (!app) return;
      ctx.report({
        range: proxy.range,
        message: `The image bundles ${proxy.what} with the app (${app}): two servers in one container, so when one dies the other keeps it "running", health checks reach the proxy rather than the app, and neither can be scaled or updated alone. Let the app bind its own port and run the proxy as a separate container (or use the platform's ingress).`,
      });
    },
  },
});
