import { defineRule, RuleContext } from '../../engine/rule';
import type { Located } from '../../model/common';
import type { DockerfileModel } from '../../model/dockerfile';
import { instructionsOf } from '../../knowledge/container-commands';
import { ENV_WORD } from '../../knowledge/environments';
import { copyOperands, flagOf, isUrl } from '../build-run/stages';
import { withoutTrailingSlashes } from '../../knowledge/text';

/** Files that configure the running application (not dependency lists or build tooling). */
const CONFIG_NAME = /(?:config|settings|appsettings|application|bootstrap|environment|env|conf|secrets?|parameters|local)|\.(?:conf|cfg|ini|properties|toml|ya?ml|json|xml|env|php|py|js|ts)$/i;
/** Build-time tool configuration and dependency manifests: environment variants of these are normal. */
const BUILD_FILE = /^(?:tsconfig|jsconfig|webpack|vite|babel|jest|vitest|eslint|\.eslintrc|rollup|karma|tslint|postcss|tailwind|angular|nx|turbo|requirements|constraints|package|pnpm|yarn|composer|gemfile|pipfile|poetry|pyproject|go\.|cargo|pom|build\.gradle|settings\.gradle|docker-compose|compose|dockerfile|containerfile|\.dockerignore|makefile|readme|changelog|license|sonar|playwright|cypress|nginx-test)/i;
/** Variables that select an environment at build time (`COPY config.${ENV}.json`). */
const ENV_ARG = /^(?:ENV|ENVIRONMENT|APP_ENV|NODE_ENV|RAILS_ENV|BUILD_ENV|TARGET_ENV|DEPLOY_ENV|STAGE|PROFILE|SPRING_PROFILE|CONFIGURATION|BUILD_CONFIGURATION|FLAVOR|FLAVOUR|TIER)$/i;

const baseName = (p: string) => withoutTrailingSlashes(p).split('/').pop() ?? '';

/** The environment a file name is for (`config.prod.json` → prod), if any. */
function envOf(name: string): string | undefined {
  if (!name || BUILD_FILE.test(name) || /^\.env(?:\.|$)/i.test(name) || !CONFIG_NAME.test(name)) return undefined;
  return ENV_WORD.exec(name.replace(/\.[^.]+$/, '') + '.')?.[1];
}

/** `${ENV}` / `$APP_ENV` in a source path: which environment's file is copied is decided per build. */
function envVariable(src: Located): string | undefined {
  const re = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src.value))) if (ENV_ARG.test(m[1])) return m[1];
  return undefined;
}

function check(model: DockerfileModel, ctx: RuleContext): void {
  for (const kw of ['COPY', 'ADD']) {
    for (const ins of instructionsOf(model, kw)) {
      if (flagOf(ins, 'from')) continue;
      const ops = copyOperands(ins, model.source);
      if (!ops) continue;
      for (const src of ops.sources) {
        if (isUrl(src.value)) continue;
        const variable = envVariable(src);
        if (variable) {
          ctx.report({
            range: src.range,
            message: `Copying ${src.value} picks a configuration file by the build-time variable ${variable}, so every environment gets its own image: what was tested in staging is not what runs in production. Build one image and select or mount the configuration at run time (environment variables, a mounted ConfigMap or secret).`,
          });
          continue;
        }
        if (src.dynamic) continue;
        const env = envOf(baseName(src.value));
        if (!env) continue;
        const dest = ops.dest.dynamic ? '' : baseName(ops.dest.value);
        const renamed = ops.sources.length === 1 && !ops.dest.value.endsWith('/') && dest !== '' && dest !== '.' && !envOf(dest) && dest !== baseName(src.value);
        ctx.report({
          range: src.range,
          severity: renamed ? undefined : 'info',
          message: renamed
            ? `Copying ${src.value} installs the "${env}" configuration as ${dest}: the image only fits that environment, and each environment needs its own build. Ship environment-neutral defaults and take environment values from variables or a file mounted at run time.`
            : `Copying ${src.value} bakes a configuration file for the "${env}" environment into the image. If the application picks it by an environment variable at run time this is fine; otherwise prefer one image with settings from the environment (variables, a mounted ConfigMap or secret).`,
        });
      }
    }
  }
}

export default defineRule({
  id: 'per-environment-config-file',
  title: 'Configuration file for one environment built into the image',
  category: 'config',
  principle: 'config',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'Configuration that varies between deploys belongs in the environment, so that one image is promoted unchanged from staging to production. `COPY config.prod.json /app/config.json` or `COPY settings.${ENV}.py` builds a different image per environment: staging tests an image production never runs, an emergency configuration change needs a rebuild, and production values end up readable in every copy of the image.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nARG ENV=prod\nCOPY config.${ENV}.json /app/config.json\nCOPY settings_prod.py /app/settings.py' },
    good: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nCOPY config.default.json /app/config.json\n# per-environment values: environment variables or a file mounted at run time' },
    notes: 'Reports COPY/ADD sources that choose the file with a build-time variable named like an environment (`${ENV}`, `${APP_ENV}`, `${BUILD_ENV}`, `${STAGE}`, `${PROFILE}`, …) and configuration files named for one environment (`prod`, `production`, `staging`, `stg`, `uat`, `qa`, `dev`, `test`, … as a separate word of the name): a warning when the file is installed under a neutral name (`config.prod.json` → `config.json`), info when it keeps its name (frameworks such as ASP.NET Core or Spring pick `appsettings.Production.json` / `application-prod.yml` at run time, which is fine). Build tool and dependency files (`tsconfig.prod.json`, `webpack.prod.js`, `requirements-dev.txt`, `docker-compose.prod.yml`) and `.env.*` files (see `secret-file-in-image`) are not reported. `COPY --from` is not checked.',
  },
  check: { dockerfile: check },
});
