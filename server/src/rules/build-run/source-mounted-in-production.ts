import * as nodePath from 'path';
import { defineRule } from '../../engine/rule';
import type { ComposeMount, ComposeService } from '../../model/compose';
import { imageBaseName } from '../../knowledge/image';
import { isDevComposeFile, isProdComposeFile } from './stages';

/** Where images keep their application code. */
const APP_DIRS = /^(?:\/app|\/code|\/src|\/project|\/srv(?:\/app)?|\/usr\/src\/app|\/usr\/app|\/var\/www(?:\/html)?|\/home\/[^/]+\/(?:app|code|src)|\/opt\/app|\/workspace|\/go\/src\/.+)\/?$/;
/** Single files that are configuration or data rather than code. */
const CONFIG_FILE = /\.(?:conf|config|cfg|ini|ya?ml|json|toml|xml|env|properties|txt|log|pem|crt|key|sql|csv|db|sqlite3?|lock)$/i;

/** Images that run an application's code from a folder (language runtimes, PHP web servers). */
const RUNTIME_IMAGES = /^(?:node|python|pypy|php|ruby|golang|openjdk|eclipse-temurin|amazoncorretto|tomcat|dotnet|aspnet|runtime|perl|elixir|deno|bun|rust|httpd|nginx-unit)$/;

/**
 * Folders that hold configuration or data, whichever side names them (`./config:/etc/app`, `./data:/app/data`,
 * `./logstash/pipeline:/usr/share/logstash/pipeline`, `./sentry:/etc/sentry`): not the code an image carries.
 */
const CONFIG_OR_DATA_PART = /^(?:data|logs?|config|configs|configuration|conf|settings|pipelines?|certs?|ssl|tls|secrets|roles|templates|[\w.-]+\.d)$/i;
const CONFIG_OR_DATA_TARGET = /^\/(?:etc|var\/lib|var\/log|data)(?:\/|$)/;

const norm = (p: string) => nodePath.posix.normalize(p.replace(/\\/g, '/')).replace(/\/$/, '') || '.';

/** Why this bind mount replaces the image's code with the host's checkout; undefined when it does not. */
function sourceMount(m: ComposeMount, svc: ComposeService): string | undefined {
  if (m.type !== 'bind' || !m.source || !m.target || m.source.dynamic && !/^\$\{?PWD\}?/.test(m.source.value)) return undefined;
  const raw = m.source.value.trim();
  if (nodePath.posix.isAbsolute(raw) || raw.startsWith('~')) return undefined;
  const src = norm(raw.replace(/^\$\{?PWD\}?/, '.'));
  const target = m.target.value;
  if (src === '.' || src === '..') return 'the project folder';
  if (CONFIG_FILE.test(src) || src.split('/').some((part) => CONFIG_OR_DATA_PART.test(part))) return undefined;
  if (CONFIG_OR_DATA_TARGET.test(target) || target.split('/').some((part) => CONFIG_OR_DATA_PART.test(part))) return undefined;
  const context = svc.build?.context && !svc.build.context.dynamic ? norm(svc.build.context.value.trim() || '.') : svc.build ? '.' : undefined;
  if (context !== undefined && !/^[a-z]+:\/\//i.test(context) && context !== '.' && (src === context || src.startsWith(context + '/'))) return 'the service\'s build context';
  if (context === '.' && /^(?:src|app|lib|code|source)(?:\/|$)/.test(src)) return 'the service\'s build context';
  // Without a build, only language runtime images run code from a folder; a broker's /app is its own.
  const runtime = svc.image && !svc.image.dynamic && RUNTIME_IMAGES.test(imageBaseName(svc.image));
  if ((svc.build || runtime) && APP_DIRS.test(target) && !/\.[A-Za-z0-9]+$/.test(src)) return `the image's code folder ${target}`;
  return undefined;
}

export default defineRule({
  id: 'source-mounted-in-production',
  title: 'Source code bind-mounted over the image',
  category: 'build-run',
  principle: 'build-release-run',
  severity: 'info',
  fix: 'none',
  peers: {},
  docs: {
    why: 'Mounting the working copy (`.:/app`, `./backend:/usr/src/app`) into a container makes it run whatever files the host has at that moment, not the code that was built into the image. That is the point in development (live reload), and a hazard anywhere else: the running code is no longer a release that can be identified, rolled back or reproduced on another host, it changes when someone edits or pulls on the server, and the same image behaves differently on every machine.',
    bad: { lang: 'yaml', code: '# compose.prod.yaml\nservices:\n  api:\n    build: ./api\n    volumes:\n      - ./api:/usr/src/app' },
    good: { lang: 'yaml', code: '# compose.yaml: the image carries the code\nservices:\n  api:\n    build: ./api\n# compose.override.yaml (development only)\nservices:\n  api:\n    volumes:\n      - ./api:/usr/src/app' },
    notes: 'A bind mount counts as source when its host path is the Compose file\'s folder (`.`, `$PWD`), the service\'s build context or a folder inside it, or a folder mounted over a usual code directory (`/app`, `/code`, `/usr/src/app`, `/var/www/html`, …) of a service that is built here or runs a language runtime image (node, python, php, ruby, …). Configuration and data files and folders (`*.conf`, `*.json`, `config/`, `data/`, …) and absolute host paths are not source. Compose files named for development (`*dev*`, `*override*`, `*local*`, `*test*`, `*ci*`) are skipped; files named for production (`*prod*`, `*production*`, `*deploy*`, `*stack*`, `*release*`, `*staging*`) get a warning; other files (a plain `compose.yaml` is often the development setup) get info. Move development mounts into `compose.override.yaml`, which `docker compose up` merges automatically on developer machines.',
  },
  check: {
    compose(model, ctx) {
      if (isDevComposeFile(ctx.path)) return;
      const prod = isProdComposeFile(ctx.path);
      for (const svc of model.services) {
        for (const m of svc.volumes) {
          const why = sourceMount(m, svc);
          if (!why) continue;
          ctx.report({
            range: m.range,
            severity: prod ? 'warning' : undefined,
            message: `Service "${svc.name}" mounts ${m.source!.value} (${why}) over ${m.target!.value}: the container runs the host's working copy instead of the code built into its image, so what runs is no release you can identify or roll back. Keep such mounts in a development override file (compose.override.yaml) and let the image carry the code.`,
          });
        }
      }
    },
  },
});
