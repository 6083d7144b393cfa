/**
 * What a backup looks like in a container project: the programs that dump or copy a datastore, the images
 * built around them, and the Kubernetes objects of backup operators. Rules ask "does anything in this
 * project back the data up?"; a false "no" is noise, so any mention of these counts as a yes.
 */

/** Programs that take a backup (database dumps, file-level and volume backup tools). */
const BACKUP_PROGRAMS = new Set([
  'pg_dump', 'pg_dumpall', 'pg_basebackup', 'pgbackrest', 'barman', 'barman-cloud-backup', 'wal-g', 'wal-e',
  'mysqldump', 'mysqlpump', 'mariadb-dump', 'mariadb-backup', 'mariabackup', 'xtrabackup', 'innobackupex', 'mydumper',
  'mongodump', 'redis-dump', 'influxd-backup', 'clickhouse-backup', 'etcdctl-snapshot',
  'restic', 'resticprofile', 'autorestic', 'borg', 'borgmatic', 'kopia', 'duplicity', 'duplicati', 'duplicacy', 'rdiff-backup',
  'rsnapshot', 'velero', 'k8up', 'stash',
]);

/** A word of an image name, command, label or environment key that says "backup". */
const BACKUP_WORD = /(?:^|[^a-z])(?:backups?|snapshots?|dump|pg_dump(?:all)?|mysqldump|mariadb-dump|mongodump|restic|borg(?:matic)?|kopia|duplicity|wal-g|pgbackrest|xtrabackup|mariabackup|velero|k8up)(?:[^a-z]|$)/i;

/** True when a program name (a command's first word, path stripped) takes backups. */
export function isBackupProgram(program: string): boolean {
  return BACKUP_PROGRAMS.has(program.replace(/^.*\//, '').toLowerCase());
}

/**
 * True when a piece of text (an image name, a command line, a label or an environment variable's key
 * or value) names a backup: `offen/docker-volume-backup`, `bench --site all backup`, `pg_dump -Fc`,
 * `BACKUP_CRONSTRING`. Checked against at most the first 4 KB: the words sit at the start.
 */
export function mentionsBackup(text: string): boolean {
  const head = text.length > 4096 ? text.slice(0, 4096) : text;
  return BACKUP_WORD.test(head);
}

/** Kubernetes kinds of backup operators: their presence means backups are managed in the project. */
export const BACKUP_KINDS: ReadonlySet<string> = new Set([
  'ScheduledBackup', 'Backup', // CloudNativePG, and the generic name several operators use
  'Schedule', // Velero, k8up
  'PerconaXtraDBClusterBackup', 'PerconaServerMongoDBBackup', 'PerconaPGBackup',
  'PostgresBackup', 'MysqlBackup', 'BackupSchedule', 'BackupConfiguration', 'VolumeSnapshot',
]);

/** Pod annotations that enrol a pod's volumes in a cluster backup (Velero, k8up). */
export const BACKUP_ANNOTATIONS: readonly string[] = ['backup.velero.io/backup-volumes', 'k8up.io/backup', 'k8up.io/backupcommand'];

/**
 * Datastores that hold a system of record: data that exists nowhere else. Caches, queues, brokers,
 * coordination stores and metrics (Redis, RabbitMQ, Kafka, NATS, ZooKeeper, etcd, Prometheus) hold data
 * that is replayed, rebuilt or short-lived, and are not asked for a backup. Keys are `DatastoreMatch.id`.
 */
export const SYSTEM_OF_RECORD: ReadonlySet<string> = new Set([
  'postgres', 'mysql', 'mariadb', 'mongo', 'mssql', 'cockroach', 'cassandra', 'couchdb', 'neo4j', 'rethinkdb',
  'clickhouse', 'elasticsearch', 'opensearch', 'minio',
]);
