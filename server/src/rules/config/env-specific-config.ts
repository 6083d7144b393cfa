import { defineRule, RuleContext } from '../../engine/rule';
import type { EnvEntry } from '../../model/common';
import type { Range, SourceText } from '../../model/range';
import { envSpecificAddress } from '../../knowledge/environments';
import { isDevComposeFile, isProdComposeFile } from '../build-run/stages';

/** The host's own range when the value is written verbatim (plain or quoted), else the whole value. */
function hostRange(source: SourceText, e: EnvEntry, start: number, end: number): Range {
  const r = e.valueRange!;
  let base = source.offsetAt(r.start);
  const q = source.text[base];
  if ((q === '"' || q === '\'') && source.text.slice(base + 1, base + 1 + e.value!.length) === e.value) base++;
  return source.text.slice(base + start, base + end) === e.value!.slice(start, end) ? source.range(base + start, base + end) : r;
}

function check(entries: EnvEntry[], where: string, advice: string, source: SourceText, ctx: RuleContext, severity?: 'info'): void {
  for (const e of entries) {
    if (e.dynamic || e.value === undefined || !e.valueRange) continue;
    const hit = envSpecificAddress(e.name, e.value.trim());
    if (!hit) continue;
    ctx.report({
      range: hostRange(source, e, hit.start, hit.end),
      severity,
      // The host only: the value may hold credentials.
      message: `${where} ${e.name} points at ${hit.host}, ${hit.why}. ${advice}`,
    });
  }
}

export default defineRule({
  id: 'env-specific-config',
  title: 'Environment-specific address hard-coded',
  category: 'config',
  principle: 'config',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A release is the same image in every environment; what differs between staging and production (database hosts, broker addresses, cache endpoints) comes from the environment. An address baked into the image with `ENV DATABASE_URL=postgres://prod-db.internal/...` or `REDIS_HOST=10.0.3.7` ties the image to one network: staging talks to production\'s database, a failover or IP change needs a rebuild, and the image cannot be promoted from one environment to the next. Compose files shared across deployments have the same problem with literal addresses.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nENV DATABASE_URL=postgres://app@orders-db.prod.internal:5432/orders \\\n    REDIS_HOST=10.0.3.7' },
    good: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\n# no addresses in the image: the deployment sets DATABASE_URL and REDIS_HOST\n# compose.yaml: DATABASE_URL: ${DATABASE_URL:?set DATABASE_URL}' },
    notes: 'Values are judged when they are URLs or when the variable names an address (`*_URL`, `*_HOST`, `*_ADDR`, `*_IP`, `*_ENDPOINT`, `*_DSN`, `*_SERVER(S)`, `*_BROKERS`, …); other names are not (`OTP_VERSION=27.3.4.13` is a version, a `*_SUBNET` a network). Reported hosts: IP addresses (not loopback, 0.0.0.0, link-local or the docker0 bridge, which `host-daemon-address` covers), hostnames of managed service instances (`*.rds.amazonaws.com`, `*.database.windows.net`, `*.mongodb.net`, `*.cache.amazonaws.com`, …), internal names (`*.internal`, `*.corp`, `*.svc.cluster.local`, `*.local`, …) and hostnames with an environment word (`db.prod.example.com`, `api-staging.shop.io`). Not reported: single-label service names (`db`, `redis`: Compose and Kubernetes resolve them in every environment), `localhost`, public third-party endpoints, reserved example domains, `${VAR:-default}` values. Dockerfile ENV is checked in every stage (warning); Compose `environment` is checked in files not named for development (info, warning in files named for production); Kubernetes manifests are per-environment configuration by design and are not checked. The message names only the host: URLs may hold passwords.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const stage of model.stages) {
        for (const ins of stage.instructions) {
          if (ins.keyword !== 'ENV') continue;
          check(ins.properties, 'ENV', 'The image only works in that environment and must be rebuilt when the address changes. Remove it from the image and set it where the container is deployed.', model.source, ctx);
        }
      }
    },
    compose(model, ctx) {
      if (isDevComposeFile(ctx.path)) return;
      const prod = isProdComposeFile(ctx.path);
      for (const s of model.services) {
        check(s.environment, `Service "${s.name}"`, 'Every deployment of this Compose file talks to that one instance. Read it from the environment with a default, e.g. `${' + 'NAME:?set NAME}` or `${' + 'NAME:-db}`, and keep per-deployment values in an env file.', model.source, ctx, prod ? undefined : 'info');
      }
    },
  },
});
