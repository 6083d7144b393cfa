/**
 * How long containers live, start and stop: facts shared by the backing-services and observability
 * rules. Which programs run once and exit (migrations, clients, build tools), which images are bare
 * runtimes meant as bases, which start slowly (JVM), and how official datastore images are health
 * checked. Facts only; the rules decide what to report.
 */
import type { ImageRef } from '../model/common';
import { imageBaseName } from './image';
import { programOf, ShellCommand } from './shell';
import { isNonProductionPath } from './environments';

/** Programs whose run ends by itself: builds, tests, migrations, copies, cloud and cluster CLIs. */
const JOB_PROGRAMS = new Set([
  'echo', 'printf', 'true', 'false', 'cat', 'ls', 'cp', 'mv', 'rm', 'mkdir', 'chown', 'chmod', 'touch', 'tar', 'unzip', 'curl', 'wget',
  'make', 'cmake', 'pytest', 'tox', 'jest', 'mocha', 'vitest', 'phpunit', 'rspec', 'go-test', 'migrate', 'alembic', 'flyway', 'liquibase',
  'dbmate', 'goose', 'sqitch', 'atlas', 'terraform', 'tofu', 'kubectl', 'helm', 'aws', 'gcloud', 'az', 'gsutil', 'mc', 'certbot',
  'envsubst', 'sed', 'awk', 'jq', 'yq', 'git', 'rsync', 'scp', 'ssh-keygen', 'openssl', 'keytool', 'wait-for-it', 'wait-for-it.sh',
  'dockerize', 'wp', 'hugo', 'mkdocs', 'sphinx-build', 'webpack', 'tsc', 'esbuild', 'vite-build', 'gradle-build',
  'kustomize', 'magick', 'convert', 'protoc', 'buf', 'openapi-generator', 'openapi-generator-cli', 'swagger-codegen',
]);
/** Long-running programs that serve nothing a probe could ask: schedulers. */
const NON_SERVING_DAEMONS = new Set(['cron', 'crond', 'supercronic', 'go-crond', 'busybox-crond']);
/** KRM functions (`config-function`, `function`) read a resource list on stdin and exit. */
const KRM_FUNCTION = /^(?:[\w.-]+-)?function$/;

/** Sub-commands that make a build tool or framework CLI run once (`npm run build`, `manage.py migrate`). */
const JOB_VERBS = /^(?:build|test|tests|lint|migrate|migrations|makemigrations|collectstatic|db:migrate|db:seed|db:setup|db:create|seed|install|ci|compile|package|upgrade|deploy|init|setup|bootstrap|generate|check|createsuperuser|loaddata|dump|restore|backup|import|export)$/;
const VERB_RUNNERS = new Set(['npm', 'pnpm', 'yarn', 'npx', 'bun', 'python', 'python3', 'manage.py', 'rails', 'rake', 'bundle', 'php', 'artisan', 'composer', 'mvn', 'gradle', 'gradlew', 'dotnet', 'cargo', 'go', 'mix', 'prisma', 'sequelize', 'knex', 'typeorm', 'alembic', 'flask', 'django-admin', 'poetry', 'uv', 'pip', 'pip3']);

/** Service and workload names that end in "run once" words (`db-migrate`, `minio-createbuckets`, `seed`; not `test-db`). */
const JOB_NAME = /(?:^|[-_.])(?:init|migrate|migrations?|migrator|setup|seed|seeder|bootstrap|provision(?:er)?|create-?buckets?|createbuckets|job|oneshot|one-shot|test|tests|e2e|build|builder)\d*$/i;

/** Bare language runtimes and shells: an image whose CMD is one of these (no script) is a base image, not a service. */
const BARE_RUNTIMES = new Set([
  'sh', 'bash', 'ash', 'dash', 'zsh', 'python', 'python2', 'python3', 'node', 'irb', 'ruby', 'php', 'php-a', 'ghci', 'iex', 'erl', 'jshell',
  'julia', 'R', 'perl', 'lua', 'bun', 'deno', 'pwsh', 'powershell', 'cmd', 'gradle', 'mvn',
]);

/** Kubernetes kinds whose pods run once and end: what they do at start is not repeated by restarts. */
/**
 * Images that serve nothing in production: those under a non-production path (tests, CI, examples, development:
 * `isNonProductionPath`), base images other images build FROM and cron images (`base/Dockerfile`,
 * `Dockerfile.base`, `cron/Dockerfile`, `Dockerfile.cron`).
 */
const NON_SERVING_SEGMENT = /^(?:base|[\w-]+-base|base-[\w-]+|cron)$/i;
const NON_SERVING_FILE = /^(?:(?:dockerfile|containerfile)\.(?:base|cron)|(?:base|cron)\.(?:dockerfile|containerfile))$/i;

export function isNonServingImagePath(path: string, exists: (relative: string) => boolean = () => false): boolean {
  const parts = path.replace(/\\/g, '/').split('/');
  const file = parts.pop() ?? '';
  return NON_SERVING_FILE.test(file) || parts.slice(-2).some((d) => NON_SERVING_SEGMENT.test(d)) || isNonProductionPath(path, exists);
}

/**
 * Third-party images whose own Dockerfile defines a HEALTHCHECK (checked in each publisher's Dockerfile), so a
 * Compose service running them has one without a `healthcheck:` key. Repositories without registry for Docker Hub.
 */
const IMAGES_WITH_HEALTHCHECK = new Set([
  'mattermost/mattermost-team-edition', 'mattermost/mattermost-enterprise-edition', 'gitlab/gitlab-ce', 'gitlab/gitlab-ee',
  'ghcr.io/docker-mailserver/docker-mailserver', 'docker-mailserver/docker-mailserver', 'mailserver/docker-mailserver',
  'vaultwarden/server', 'portainer/portainer-ce',
]);

export function imageDefinesHealthcheck(image: ImageRef): boolean {
  if (image.dynamic) return false;
  const registry = image.registry && image.registry !== 'docker.io' ? `${image.registry}/` : '';
  return IMAGES_WITH_HEALTHCHECK.has(`${registry}${image.repository}`.toLowerCase());
}

export function isJobName(name: string): boolean {
  return JOB_NAME.test(name);
}

/**
 * The job a command list runs, when its last command (the one that decides the container's life)
 * is a program that ends by itself; undefined for servers and anything unknown.
 */
export function jobProgramOf(commands: ShellCommand[]): string | undefined {
  const last = [...commands].reverse().find((c) => programOf(c));
  if (!last) return undefined;
  const p = programOf(last)!;
  if (JOB_PROGRAMS.has(p.name) || NON_SERVING_DAEMONS.has(p.name) || KRM_FUNCTION.test(p.name)) return p.name;
  if (p.name === 'busybox' && last.words[p.index + 1]?.text === 'crond') return 'crond';
  const args = last.words.slice(p.index + 1).map((w) => w.text).filter((a) => !a.startsWith('-'));
  if (VERB_RUNNERS.has(p.name)) {
    // `npm run build`, `python manage.py migrate`, `bundle exec rake db:migrate`, `npx prisma migrate deploy`
    const verbs = args.slice(0, 4).filter((a) => !/\.(?:js|ts|mjs)$/.test(a) || a === 'manage.py');
    const hit = verbs.find((a) => JOB_VERBS.test(a) || /^db:/.test(a));
    if (hit) return `${p.name} ${hit}`;
  }
  return undefined;
}

/** A CMD/ENTRYPOINT that only opens a shell or a REPL: the image is a base for others. */
export function isBareRuntime(commands: ShellCommand[]): boolean {
  if (commands.length !== 1) return false;
  const p = programOf(commands[0]);
  if (!p) return false;
  const rest = commands[0].words.slice(p.index + 1);
  return BARE_RUNTIMES.has(p.name) && rest.every((w) => w.text.startsWith('-') && !/^-[a-z]*c$/.test(w.text));
}

// ---------------------------------------------------------------- start-up

/** Images that start slowly: JVM servers and the big stateful systems built on them. */
const SLOW_STARTERS = new Set([
  'openjdk', 'eclipse-temurin', 'amazoncorretto', 'ibm-semeru-runtimes', 'sapmachine', 'zulu-openjdk', 'azul-zulu', 'java', 'jre', 'jdk',
  'tomcat', 'jetty', 'wildfly', 'jboss', 'payara', 'open-liberty', 'websphere-liberty', 'keycloak', 'jenkins', 'sonarqube', 'nexus3',
  'elasticsearch', 'opensearch', 'logstash', 'kafka', 'cp-kafka', 'cp-server', 'cassandra', 'neo4j', 'solr', 'zookeeper', 'cp-zookeeper',
  'spring-boot', 'confluence', 'jira', 'bitbucket', 'artifactory', 'graylog', 'mssql/server', 'server',
]);

/** The image is known to take long to start (JVM, search engines, brokers). */
export function isSlowStarter(image: ImageRef): boolean {
  if (image.dynamic) return false;
  const repo = image.repository.toLowerCase();
  const base = imageBaseName(image);
  if (base === 'server') return /(?:^|\/)mssql\/server$/.test(repo);
  return SLOW_STARTERS.has(base) || /(?:^|[-_])(?:jdk|jre|java|spring|tomcat)(?:[-_]|$)/.test(base) || /(?:^|[-_])(?:jdk|jre)\d*(?:[-_.]|$)/.test(image.tag ?? '');
}

// ---------------------------------------------------------------- health checks of official images

/**
 * Compose `healthcheck.test` values that work in the official images of a datastore (the tool is in
 * the image and needs no credentials from outside). Keyed by the datastore ids of datastores.ts.
 */
const HEALTH_TESTS: Record<string, { images: string[]; test: string; minMajor?: number }> = {
  postgres: { images: ['postgres', 'postgis/postgis', 'timescale/timescaledb', 'pgvector/pgvector'], test: '["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres}"]' },
  // `mysqladmin ping` exits 0 while the server runs, even when it refuses the (missing) credentials.
  mysql: { images: ['mysql'], test: '["CMD", "mysqladmin", "ping", "-h", "127.0.0.1"]' },
  // mongosh ships from MongoDB 5 on; older images only have the legacy `mongo` shell.
  mongo: { images: ['mongo'], test: '["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand(\'ping\')"]', minMajor: 5 },
  redis: { images: ['redis', 'valkey/valkey', 'redis/redis-stack', 'redis/redis-stack-server'], test: '["CMD", "redis-cli", "ping"]' },
  rabbitmq: { images: ['rabbitmq'], test: '["CMD", "rabbitmq-diagnostics", "-q", "ping"]' },
};

/** A `healthcheck.test` known to work in this official image, if any. */
export function officialHealthTest(datastoreId: string, image: ImageRef): string | undefined {
  const e = HEALTH_TESTS[datastoreId];
  if (!e || image.dynamic || (image.registry && image.registry !== 'docker.io')) return undefined;
  const repo = image.repository.toLowerCase().replace(/^library\//, '');
  if (!e.images.includes(repo)) return undefined;
  const major = /^(\d+)/.exec(image.tag ?? '');
  if (e.minMajor && major && Number(major[1]) < e.minMajor) return undefined;
  return e.test;
}

// ---------------------------------------------------------------- shutdown

/**
 * Datastores whose clean shutdown can outlast a default grace period (transaction drain, buffer
 * flush, checkpoint, RDB save, partition hand-off). Keyed by the datastore ids of datastores.ts;
 * MinIO, Prometheus, etcd, NATS and RethinkDB stop quickly or recover cheaply.
 */
const SLOW_STOPPERS = new Set([
  'postgres', 'mysql', 'mariadb', 'mongo', 'redis', 'elasticsearch', 'opensearch', 'rabbitmq', 'cassandra', 'kafka', 'redpanda',
  'mssql', 'clickhouse', 'neo4j', 'cockroach', 'couchdb', 'influxdb',
]);

export function isSlowStopper(datastoreId: string): boolean {
  return SLOW_STOPPERS.has(datastoreId);
}
