import { defineRule, RuleContext } from '../../engine/rule';
import type { ComposeModel, ComposeService } from '../../model/compose';
import { imageBaseName } from '../../knowledge/image';
import { appendToMap, stepBelow } from '../backing-services/yaml-edit';
import { composeOneShot, serviceImage } from '../backing-services/service-facts';
import { serviceCommands } from '../../knowledge/container-commands';

/** Images that log a line per request to stdout out of the box (Traefik, Caddy and Envoy only do when told to). */
const ACCESS_LOGGERS = new Set(['nginx', 'openresty', 'httpd', 'apache', 'nginx-unprivileged', 'kong', 'php', 'wordpress', 'nextcloud']);

const DEBUG_LEVEL = /^(?:debug|trace|verbose|all|silly)$/i;

/** Why a service writes a lot of log lines, if it does. */
function chatty(model: ComposeModel, s: ComposeService, ctx: RuleContext): string | undefined {
  const image = serviceImage(s, ctx);
  if (image && !image.dynamic && ACCESS_LOGGERS.has(imageBaseName(image)) && (imageBaseName(image) === 'php' ? /apache/.test(image.tag ?? '') : !/fpm/.test(image.tag ?? ''))) {
    return `runs ${imageBaseName(image)}, which logs every request`;
  }
  for (const e of s.environment) {
    if (e.dynamic || e.value === undefined) continue;
    if (/(?:^|_)LOG_?LEVEL$|^LOGLEVEL$|(?:^|_)LOGGING_LEVEL(?:_|$)/i.test(e.name) && DEBUG_LEVEL.test(e.value.trim())) return `logs at ${e.name}=${e.value}`;
    if (/^(?:DEBUG|APP_DEBUG|VERBOSE)$/i.test(e.name) && /^(?:1|true|yes|on|\*)$/i.test(e.value.trim())) return `runs with ${e.name}=${e.value}`;
  }
  for (const c of serviceCommands(model, s)) {
    for (const w of c.words) {
      const m = /^--?(?:log[-._]?level|loglevel|log\.level|v)[= ]?(\S*)$/i.exec(w.text);
      if (w.text === '--debug' || w.text === '--verbose' || (m && DEBUG_LEVEL.test(m[1]))) return `runs with \`${w.text}\``;
      if (/^--access-?log(?:=true)?$/i.test(w.text)) return `logs every request (\`${w.text}\`)`;
    }
  }
  return undefined;
}

/** The logging setup rotates (or ships) logs: another driver, `local`, or json-file with max-size. */
function rotates(s: ComposeService): boolean | undefined {
  const logging = s.raw.get('logging');
  if (!logging) return false;
  const driver = logging.get('driver')?.str();
  if (driver?.dynamic) return undefined;
  if (driver && driver.value !== 'json-file') return true;
  return logging.get('options')?.has('max-size') ?? false;
}

export default defineRule({
  id: 'no-log-rotation',
  title: 'Chatty Compose service without log rotation',
  category: 'observability',
  principle: 'logs',
  severity: 'info',
  set: 'strict',
  setReason: 'The Docker daemon may rotate logs for every container (daemon.json), which the file cannot show (docs/precision.md).',
  fix: 'safe',
  peers: {},
  docs: {
    why: 'Docker\'s default json-file log driver keeps everything a container prints, forever, in one file per container under /var/lib/docker. A proxy logging every request or a service left at debug level fills the host\'s disk within days, and then every container on the host fails. `max-size` and `max-file` cap it; the `local` driver rotates by default.',
    bad: { lang: 'yaml', code: 'services:\n  proxy:\n    image: nginx:1.25-alpine\n    ports: ["80:80"]' },
    good: { lang: 'yaml', code: 'services:\n  proxy:\n    image: nginx:1.25-alpine\n    ports: ["80:80"]\n    logging:\n      driver: json-file\n      options:\n        max-size: 10m\n        max-file: "3"' },
    notes: 'Only for services that log a lot: web servers that write an access log to stdout by default (nginx, OpenResty, httpd, Kong, Apache-based PHP, WordPress and Nextcloud images, not their FPM variants), proxies told to (`--accesslog`), and services at debug level (`LOG_LEVEL=debug`, `DEBUG=true`, `--debug`, `--log-level=debug`, `-v`). Any other driver (`local`, `syslog`, `fluentd`, `awslogs`, ...) or json-file with `max-size` counts as handled; logging settings from YAML anchors (`logging: *default-logging`) are read. A daemon-wide default in /etc/docker/daemon.json (`log-opts`) is invisible to the file: silence the rule there. One-shot services are skipped. The fix adds json-file with max-size 10m and 3 files.',
  },
  check: {
    compose(model, ctx) {
      if (model.templated) return;
      for (const s of model.services) {
        if (s.raw.has('extends') || rotates(s) !== false || composeOneShot(model, s, ctx)) continue;
        const why = chatty(model, s, ctx);
        if (!why) continue;
        const logging = s.raw.entry('logging');
        ctx.report({
          range: logging?.keyRange ?? s.keyRange,
          message: `Service "${s.name}" ${why}, but its logs are never rotated: the json-file driver keeps them all on the host until the disk fills. Set \`logging.options.max-size\` and \`max-file\` (or use the \`local\` driver).`,
          fix: logging ? undefined : () => {
            const st = ' '.repeat(stepBelow(model.source, s.keyRange.start.character, s.raw));
            const edit = appendToMap(model.source, s.raw, ['logging:', `${st}driver: json-file`, `${st}options:`, `${st}${st}max-size: 10m`, `${st}${st}max-file: "3"`]);
            return edit && { title: `Rotate "${s.name}" logs (json-file, 10m × 3)`, safety: 'safe' as const, edits: [edit] };
          },
        });
      }
    },
  },
});
