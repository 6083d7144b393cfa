import * as nodePath from 'path';
import { defineRule, RelatedInfo, RuleContext } from '../../engine/rule';
import type { ComposeModel, ComposeService } from '../../model/compose';
import { covers, DatastoreMatch, DATASTORE_CLIENTS, identifyDatastore } from '../../knowledge/datastores';
import { addNamedVolumeFix } from './compose-volume-fix';
import { kubeVolumeFix } from './kube-volume-fix';
import { composeDatastore, composeMounts, composeProgram, ephemeralCover, kubeFacts, kubeMounts, kubeProgram, Mounts, persistentCover } from './mounts';
import { servesLongRunning } from '../../model/kubernetes';
import { withoutTrailingSlashes } from '../../knowledge/text';
import { composeOneShot } from '../backing-services/service-facts';
import { SYSTEM_OF_RECORD } from '../../knowledge/backups';

function where(match: DatastoreMatch): string {
  const dirs = match.dataDirs;
  return dirs.length === 1 ? dirs[0] : `${dirs.slice(0, -1).join(', ')} or ${dirs[dirs.length - 1]}`;
}

/** The reason a data directory is not kept, in words: what is mounted there, or that nothing is. */
function problem(match: DatastoreMatch, mounts: Mounts): string {
  for (const d of match.dataDirs) {
    const e = ephemeralCover(mounts, d);
    if (e) return `${e.target} is ${e.ephemeral}`;
  }
  const inside = mounts.all.filter((m) => match.dataDirs.some((d) => covers(d, m.target)));
  const eph = inside.find((m) => m.ephemeral);
  if (eph) return `${eph.target}, inside it, is ${eph.ephemeral}`;
  if (inside.length) return `only ${inside[0].target}, inside it, is persistent`;
  return 'nothing persistent is mounted there';
}

function relatedEphemeral(match: DatastoreMatch, mounts: Mounts, message: string): RelatedInfo[] | undefined {
  const m = match.dataDirs.map((d) => ephemeralCover(mounts, d)).find(Boolean)
    ?? mounts.all.find((x) => x.ephemeral && match.dataDirs.some((d) => covers(d, x.target)));
  return m ? [{ message, range: m.range }] : undefined;
}

/**
 * Losing a system of record (a database, an object store) is an error; a broker's queues, a cache's or a
 * coordination store's state and metrics (RabbitMQ, Kafka, ZooKeeper, Prometheus) are replayed, rebuilt or
 * short-lived, and often kept on ephemeral disks on purpose: a warning.
 */
function lossSeverity(datastore: string): 'warning' | undefined {
  return SYSTEM_OF_RECORD.has(datastore) ? undefined : 'warning';
}

/** Test and CI setups want a fresh database on every run: there it is a reminder, not an error. */
const TEST_NAME = /(?:^|[._-])(?:test|tests|testing|ci|e2e|it)(?:[._-]|$)/i;

function checkCompose(model: ComposeModel, ctx: RuleContext): void {
  const testFile = TEST_NAME.test(nodePath.basename(ctx.path));
  for (const s of model.services) {
    // One-shot services (a setup job built on the database's image, a client run) keep no data.
    if (composeOneShot(model, s, ctx)) continue;
    const program = composeProgram(s);
    if (program && DATASTORE_CLIENTS.has(program)) continue;
    const match = composeDatastore(s, ctx);
    if (!match) continue;
    const mounts = composeMounts(model, s);
    if (mounts.unknown || match.dataDirs.some((d) => persistentCover(mounts, d))) continue;
    const dir = match.dataDirs[0];
    const via = match.overriddenBy ? ` (set by ${match.overriddenBy})` : '';
    const what = problem(match, mounts);
    const sameTarget = s.volumes.find((v) => v.target && withoutTrailingSlashes(v.target.value) === dir);
    const tmpfsClash = mounts.all.some((m) => m.source === 'tmpfs' && m.target === dir);
    ctx.report({
      severity: testFile || TEST_NAME.test(s.name) ? 'info' : lossSeverity(match.id),
      range: s.image?.range ?? s.keyRange,
      message: `Service "${s.name}" runs ${match.label} but its data directory ${where(match)}${via} is not persistent: ${what}, so the data is lost when the container is removed. Mount a named volume there (e.g. \`${s.name}-data:${dir}\`).`,
      related: relatedEphemeral(match, mounts, 'this mount does not outlive the container'),
      fix: () => addNamedVolumeFix(model, s, dir, sameTarget, tmpfsClash),
    });
  }
}

export default defineRule({
  id: 'database-without-volume',
  title: 'Datastore without a persistent volume',
  category: 'state',
  principle: 'backups',
  severity: 'error',
  fix: 'safe',
  crossDocument: true,
  // No anchor checks persistence of datastores (KICS' shared_volumes_between_containers, volume_mounted_in_multiple_containers,
  // statefulset_requests_storage and incorrect_volume_claim_access_mode_read_write_once judge sharing, propagation and claim
  // settings, not whether data survives): there are no equivalent ids to list.
  peers: {},
  docs: {
    why: 'A database, queue or search engine writes its data inside the container unless something persistent is mounted at its data directory. `docker compose down`, a Kubernetes rollout, a node drain or an evicted pod then starts the service empty: the data is gone, and there is nothing to back up. Anonymous volumes (`- /var/lib/mysql`, or the `VOLUME` line of the official images) are orphaned by the next `down`/`up`, tmpfs lives in memory, and an `emptyDir` is deleted with its pod.',
    bad: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.2\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password' },
    good: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.2\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    volumes:\n      - db-data:/var/lib/postgresql/data\nvolumes:\n  db-data:' },
    notes: 'Datastores are recognised by image (official, bitnami and vendor images of PostgreSQL, MySQL, MariaDB, MongoDB, Redis, Elasticsearch, OpenSearch, RabbitMQ, Cassandra, CouchDB, Neo4j, InfluxDB, MinIO, ClickHouse, ZooKeeper, Kafka, Redpanda, etcd, NATS JetStream, SQL Server, CockroachDB, Prometheus), including a Compose service that builds `FROM` one of them; add in-house images with the `dataDirectories` setting. Data directory overrides are honoured (`PGDATA`, `--datadir`, `--dbpath`, `--data-dir`, MinIO `server /path`, ...); PostgreSQL 18+ images expect the mount at /var/lib/postgresql. A mount at or above the data directory counts; named volumes, bind mounts, PVCs, StatefulSet volumeClaimTemplates and other disk volumes are persistent. Not flagged: Redis/Valkey without AOF or RDB snapshots (`--appendonly yes`, a non-empty `--save`; redis-stack and bitnami images persist by default; a Redis started with only a config file is assumed to be a cache), NATS without JetStream and memcached, which are caches; containers running a client (`psql`, `mysqldump`, `redis-cli`, ...); Jobs, CronJobs and init containers; services listed in `oneShot`; in Compose files or services named like tests (`compose.test.yaml`, `docker-compose.ci.yml`, `db-test`) the finding is only `info`, since a throwaway database is the point there; Helm-templated objects and `${VAR}` mount paths, whose values are unknown. The Compose fix (safe) adds `<service>-data:<data dir>` and declares the volume. The Kubernetes fix is unsafe (a claim needs a storage class or provisioner, and its 10Gi size is a starting point to review): in a StatefulSet the `emptyDir` pod volume becomes a `volumeClaimTemplates` entry of the same name; in a Deployment (one replica) or a Pod the `emptyDir` becomes a `persistentVolumeClaim` named `<workload>-<volume>` and a PersistentVolumeClaim document is appended to the file (unless it already has one of that name); with nothing mounted, a volumeMount at the data directory is added too. A Deployment also gets `strategy.type: Recreate` (an existing RollingUpdate strategy is switched and its `rollingUpdate` settings dropped), since a rolling update would start the new pod while the old one still holds the ReadWriteOnce claim. No fix for Deployments with several replicas, other kinds, other volume types or Helm templates.',
  },
  check: {
    compose: checkCompose,
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        const w = obj.workload;
        if (!servesLongRunning(w) || obj.templated) continue;
        if (obj.name && ctx.settings.oneShot.includes(obj.name)) continue;
        for (const c of w.podSpec.containers) {
          if (!c.image) continue;
          const program = kubeProgram(c);
          if (program && DATASTORE_CLIENTS.has(program)) continue;
          const match = identifyDatastore(c.image, kubeFacts(c), ctx.settings.dataDirectories);
          if (!match) continue;
          const mounts = kubeMounts(obj, c);
          if (mounts.unknown || match.dataDirs.some((d) => persistentCover(mounts, d))) continue;
          const via = match.overriddenBy ? ` (set by ${match.overriddenBy})` : '';
          const advice = w.pods === 'ordinal'
            ? 'Mount a volumeClaimTemplates claim there.'
            : 'Mount a PersistentVolumeClaim there (or run it as a StatefulSet with volumeClaimTemplates).';
          ctx.report({
            range: c.image.range,
            severity: lossSeverity(match.id),
            message: `Container "${c.name}" in ${obj.kind} "${obj.name ?? ''}" runs ${match.label} but its data directory ${where(match)}${via} is not persistent: ${problem(match, mounts)}, so the data is lost when the pod is replaced. ${advice}`,
            related: relatedEphemeral(match, mounts, 'this volume does not outlive the pod'),
            fix: () => kubeVolumeFix(model, obj, c, match.dataDirs[0], mounts),
          });
        }
      }
    },
  },
});
