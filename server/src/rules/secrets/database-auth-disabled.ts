import { defineRule, RuleContext } from '../../engine/rule';
import type { EnvEntry } from '../../model/common';
import { allContainers } from '../../model/kubernetes';
import { authDisabledBy } from '../../knowledge/secrets';
import { composeOpenRedis, kubeOpenRedis, OpenRedis } from './open-redis';

const ADVICE = 'Anyone who reaches the port (another container, a published port, a compromised neighbour) has full access to the data. Set a password from a secret instead (`POSTGRES_PASSWORD_FILE`, `MYSQL_ROOT_PASSWORD_FILE`, a Kubernetes Secret).';

/** A root password given beside `MYSQL_ALLOW_EMPTY_PASSWORD` still applies: the switch then changes nothing. */
const ROOT_PASSWORD = /^(?:MYSQL|MARIADB)_(?:ROOT_PASSWORD(?:_FILE)?|RANDOM_ROOT_PASSWORD)$/;
const hasRootPassword = (entries: EnvEntry[]) => entries.some((e) => ROOT_PASSWORD.test(e.name) && (e.dynamic || !!e.value || !!e.valueFrom));

function judge(entries: EnvEntry[], ctx: RuleContext, where: string): void {
  for (const e of entries) {
    if (e.dynamic || e.value === undefined || !e.valueRange) continue;
    if (/ALLOW_EMPTY/.test(e.name) && e.name !== 'ALLOW_EMPTY_PASSWORD' && hasRootPassword(entries)) continue;
    const what = authDisabledBy(e.name, e.value);
    if (what) ctx.report({ range: { start: e.nameRange.start, end: e.valueRange.end }, message: `${where} sets ${e.name}=${e.value}: ${what}. ${ADVICE}` });
  }
}

const REDIS_ADVICE = 'Anyone who reaches it reads and changes every key, and can rewrite the server\'s configuration (`CONFIG SET dir`) to write files in the container. Set a password (`--requirepass` from a secret, or an ACL file), or keep the port on the internal network (other containers reach it by name) or bound to 127.0.0.1.';

function reportRedis(ctx: RuleContext, who: string, open: OpenRedis | undefined): void {
  if (!open) return;
  ctx.report({ range: open.range, related: open.related, namesSecretHolder: true, message: `${who} runs Redis without a password${open.note} and ${open.exposure}. ${REDIS_ADVICE}` });
}

export default defineRule({
  id: 'database-auth-disabled',
  title: 'Database started with authentication switched off',
  category: 'secrets',
  principle: 'security',
  severity: 'warning',
  fix: 'none',
  crossDocument: ['Service'],
  peers: {},
  docs: {
    why: 'The official PostgreSQL, MySQL and MariaDB images and the Bitnami images can start without any password: `POSTGRES_HOST_AUTH_METHOD=trust`, `MYSQL_ALLOW_EMPTY_PASSWORD`, `MARIADB_ALLOW_EMPTY_ROOT_PASSWORD`, `ALLOW_EMPTY_PASSWORD=yes`. It is convenient on a laptop; in any shared environment every process that can reach the port reads and changes all data, and the setting travels unnoticed from the development file into production. The official Redis and Valkey images need no switch: they start without a password and with protected mode off, so publishing their port opens the data to anyone who reaches the host.',
    bad: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.4\n    environment:\n      POSTGRES_HOST_AUTH_METHOD: trust' },
    good: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.4\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    secrets: [db_password]\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt' },
    notes: 'Checks Dockerfile ENV/ARG, Compose `environment:` and Kubernetes `env` values written literally; values from variables or Helm templates are not judged. `MYSQL_ALLOW_EMPTY_PASSWORD`/`MARIADB_ALLOW_EMPTY_ROOT_PASSWORD` count with `yes`/`true`/`1`/`on` (the entrypoints accept any non-empty value, but a root password set beside `no` still applies); Bitnami `ALLOW_EMPTY_PASSWORD` only with `yes`. **Redis**: the official `redis`, `valkey/valkey` and `redis/redis-stack(-server)` images start without a password and with protected mode off; such a service is reported when its port is reachable from outside its network (Compose: published without a host address or on `0.0.0.0`/`::`, or `network_mode: host`; Kubernetes: `hostPort`, `hostNetwork: true`, or a Service of type `LoadBalancer`/`NodePort` selecting the pod in the same file, folder or kustomization) and its command sets no `--requirepass`, `--aclfile` or `--user`, loads no configuration file, passes no options through a variable, and neither turns protected mode on nor binds to specific addresses. `REDIS_PASSWORD` is not read by these images and does not count. Bitnami images (which refuse to start without a password unless `ALLOW_EMPTY_PASSWORD=yes`), services built from a Dockerfile, ports bound to 127.0.0.1 and ports left on the internal network are not reported.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const ins of model.instructions) if (ins.keyword === 'ENV') judge(ins.properties, ctx, 'ENV');
    },
    compose(model, ctx) {
      for (const s of model.services) {
        judge(s.environment, ctx, `Service "${s.name}"`);
        reportRedis(ctx, `Service "${s.name}"`, composeOpenRedis(model, s, ctx));
      }
    },
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        for (const c of obj.workload ? allContainers(obj.workload) : []) {
          judge(c.env, ctx, `Container "${c.name}"`);
          if (!c.init) reportRedis(ctx, `Container "${c.name}"`, kubeOpenRedis(model, obj, c, ctx));
        }
      }
    },
  },
});
