import { defineRule, RuleContext } from '../../engine/rule';
import type { ComposeModel, ComposeService } from '../../model/compose';
import type { KubernetesModel } from '../../model/kubernetes';
import { BACKUP_KINDS, isBackupProgram, mentionsBackup, SYSTEM_OF_RECORD } from '../../knowledge/backups';
import { DATASTORE_CLIENTS } from '../../knowledge/datastores';
import { isNonProductionPath } from '../../knowledge/environments';
import { composeDatastore, composeMounts, composeProgram, persistentCover, withImageVolumes } from './mounts';

/** Anything in a service that says it takes backups: its name, image, build folder, command, labels or variables. */
function takesBackups(s: ComposeService): boolean {
  if (/backup|dump|snapshot/i.test(s.name)) return true;
  if (s.image && mentionsBackup(s.image.raw)) return true;
  if (s.build?.context && mentionsBackup(s.build.context.value)) return true;
  for (const c of [s.entrypoint, s.command]) {
    if (!c) continue;
    if (c.words.some((w) => isBackupProgram(w.value) || mentionsBackup(w.value))) return true;
  }
  const labels = s.raw.get('labels');
  const labelTexts = labels ? [...labels.entries().map((e) => `${e.key} ${e.value.str()?.value ?? ''}`), ...labels.items().map((i) => i.str()?.value ?? '')] : [];
  if (labelTexts.some(mentionsBackup)) return true;
  return s.environment.some((e) => mentionsBackup(e.name));
}

function checkCompose(model: ComposeModel, ctx: RuleContext): void {
  if (isNonProductionPath(ctx.path, (p) => ctx.fileExists(p)) || model.templated) return;
  if (model.services.some(takesBackups)) return;
  for (const s of model.services) {
    if (ctx.settings.oneShot.includes(s.name)) continue;
    const program = composeProgram(s);
    if (program && DATASTORE_CLIENTS.has(program)) continue;
    const match = composeDatastore(model, s, ctx);
    if (!match || !SYSTEM_OF_RECORD.has(match.id)) continue;
    const mounts = withImageVolumes(composeMounts(model, s), match);
    const kept = match.dataDirs.map((d) => persistentCover(mounts, d)).find(Boolean);
    // Without a persistent mount there is nothing to back up: database-without-volume reports that.
    if (!kept) continue;
    const where = kept.source.startsWith('.') || kept.source.startsWith('/') ? `the host folder ${kept.source}` : `volume "${kept.source}"`;
    ctx.report({
      range: kept.range,
      message: `Service "${s.name}" keeps its ${match.label} data in ${where}, and nothing in this Compose file backs it up. A lost disk, a deleted volume or a bad migration then loses the data for good: add a scheduled backup that copies it off the host (a dump job or a volume backup service).`,
    });
  }
}

/** CloudNativePG clusters: the operator takes backups only when the Cluster asks for them. */
function checkKubernetes(model: KubernetesModel, ctx: RuleContext): void {
  if (isNonProductionPath(ctx.path, (p) => ctx.fileExists(p)) || model.helm) return;
  if (model.objects.some((o) => BACKUP_KINDS.has(o.kind))) return;
  for (const obj of model.objects) {
    if (obj.kind !== 'Cluster' || !obj.apiVersion.startsWith('postgresql.cnpg.io/') || obj.templated) continue;
    const spec = obj.raw.get('spec');
    if (!spec || spec.has('backup') || spec.has('plugins')) continue;
    ctx.report({
      range: obj.nameRange ?? obj.kindRange,
      message: `PostgreSQL cluster "${obj.name ?? ''}" has no backup: its spec sets no \`backup\` (object store or volume snapshots) and no ScheduledBackup is defined here. Replicas do not protect against a deleted database or a bad migration: configure backups and a ScheduledBackup.`,
    });
  }
}

export default defineRule({
  id: 'no-backup',
  title: 'Datastore data without a backup',
  category: 'state',
  principle: 'backups',
  severity: 'info',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A volume keeps a database\'s data across container restarts, not across a failed disk, a `docker compose down -v`, a deleted namespace or a migration that drops a table. Only a backup copied somewhere else brings the data back. A project that runs a database and nothing that dumps or copies it leaves the most valuable part of the deployment unprotected.',
    bad: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.4\n    volumes:\n      - db-data:/var/lib/postgresql/data\nvolumes:\n  db-data:' },
    good: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.4\n    volumes:\n      - db-data:/var/lib/postgresql/data\n  db-backup:\n    image: prodrigestivill/postgres-backup-local:16\n    environment:\n      POSTGRES_HOST: db\n      SCHEDULE: "@daily"\n    volumes:\n      - /srv/backups/db:/backups\nvolumes:\n  db-data:' },
    notes: 'Compose: reported on the data volume of each datastore (recognised as for `database-without-volume`) when no service of the file takes backups. Anything that mentions backups counts: a service named or built like one, a backup image (`offen/docker-volume-backup`, `*-backup-*`), a command running pg_dump, mysqldump, mongodump, restic, borg, kopia, wal-g, pgBackRest and the like, a scheduler label (`ofelia.job-exec.*: bench backup`) or a `BACKUP_*` variable. Only systems of record are asked for a backup (PostgreSQL, MySQL, MariaDB, MongoDB, SQL Server, CockroachDB, Cassandra, CouchDB, Neo4j, RethinkDB, ClickHouse, Elasticsearch, OpenSearch, MinIO): caches, brokers, coordination stores and metrics (Redis, RabbitMQ, Kafka, NATS, ZooKeeper, etcd, Prometheus) hold data that is rebuilt or replayed. Kubernetes: a CloudNativePG `Cluster` without `spec.backup` (or a backup plugin) and no ScheduledBackup or Backup in the file. Other Kubernetes datastores are not judged: cluster-wide backups (Velero, k8up, storage snapshots) are set up outside the application\'s manifests. Files under test, CI, development, example and sample paths are skipped, and so are datastores without a persistent volume (`database-without-volume` reports those).',
  },
  check: { compose: checkCompose, kubernetes: checkKubernetes },
});
