import type { ImageRef } from '../model/common';
import { imageBaseName } from './image';
import { cutAtFirstOf, hasLineBreak } from './text';

/**
 * Stateful images and where they keep their data. Rules use this to ask "is this container a
 * datastore, and which directory must outlive it?". A match is by repository: `org/name` entries
 * are checked first (bitnami images keep data elsewhere than the official ones), then base names,
 * so registries (`docker.io/`, `mcr.microsoft.com/`) and `library/` do not matter.
 */

/** What a container is given at run time, as far as the file says. `undefined` value = unknown (dynamic). */
export interface RunFacts {
  env: ReadonlyMap<string, string | undefined>;
  /** argv-like words of command/entrypoint/args, quotes removed (`--save ""` keeps the empty word). */
  words: readonly string[];
}

export interface DatastoreMatch {
  /** Table key: postgres, mysql, redis, ... or the settings key for in-house images. */
  id: string;
  label: string;
  /**
   * Directories of which at least one must be persistent (alternatives: the image's version decides,
   * e.g. InfluxDB 1 vs 2). The first is the one to suggest.
   */
  dataDirs: string[];
  /** The directory came from an override (PGDATA, --datadir, ...) rather than the image default. */
  overriddenBy?: string;
  /**
   * Recognised by where it writes, not by its image (knowledge/data-directories.ts): the evidence in words.
   * A guess, so rules report it one step softer.
   */
  inferredFrom?: string;
  /**
   * Paths the image declares as `VOLUME`: a runtime (Docker, containerd) mounts an anonymous volume at each one
   * not mounted exactly, which hides a volume mounted at a parent path from anything written below it.
   */
  imageVolumes?: string[];
}

interface Entry {
  id: string;
  label: string;
  /** `org/name` (exact repository) or a base name. */
  images: string[];
  dirs: string[] | ((tag: string | undefined) => string[]);
  /** Environment variables whose literal value replaces the data directory. */
  env?: string[];
  /** Command-line flags whose value replaces the data directory (`--datadir=/x` or `--datadir /x`). */
  flags?: string[];
  /** Decides from run facts whether this instance keeps state at all (caches and brokers without storage do not). */
  persistent?: (facts: RunFacts, repo: string) => boolean;
  /** Data directories read from run facts instead of a fixed table (MinIO's `server /data`). */
  dirsFromRun?: (facts: RunFacts) => string[] | undefined;
  /** The image's own `VOLUME` paths, where known for the tag (undefined tag or version: none assumed). */
  volumes?: (tag: string | undefined) => string[];
}

function postgresMajor(tag: string | undefined): number | undefined {
  // `16.2-alpine`, `18-3.6` (postgis), `latest-pg16` / `2.14.2-pg17` (timescale), `pg17` (pgvector)
  const t = tag?.toLowerCase();
  const m = t ? /(?:^|-)pg(\d+)/.exec(t) ?? /^(\d+)/.exec(t) : null;
  const major = m ? Number(m[1]) : undefined;
  return major !== undefined && major >= 8 && major < 100 ? major : undefined;
}

// PostgreSQL 18+ images keep PGDATA at /var/lib/postgresql/<major>/docker and expect the mount one level up.
const POSTGRES_DIRS = (tag: string | undefined): string[] => ((postgresMajor(tag) ?? 0) >= 18 ? ['/var/lib/postgresql'] : ['/var/lib/postgresql/data']);

/**
 * The official images declare `VOLUME` at the data directory (18+: at /var/lib/postgresql), so a volume at
 * /var/lib/postgresql of a 17 or older image holds nothing: the data goes to an anonymous volume below it
 * (docker-library/docs, postgres "PGDATA"). Only for a tag whose major version is known.
 */
const POSTGRES_VOLUMES = (tag: string | undefined): string[] => {
  const major = postgresMajor(tag);
  return major === undefined ? [] : major >= 18 ? ['/var/lib/postgresql'] : ['/var/lib/postgresql/data'];
};

const TABLE: Entry[] = [
  { id: 'postgres', label: 'PostgreSQL', images: ['bitnami/postgresql', 'bitnami/postgresql-repmgr'], dirs: ['/bitnami/postgresql'], env: ['POSTGRESQL_DATA_DIR', 'PGDATA'], volumes: () => ['/bitnami/postgresql'] },
  { id: 'postgres', label: 'PostgreSQL', images: ['timescale/timescaledb-ha'], dirs: ['/home/postgres/pgdata'], env: ['PGDATA'] },
  { id: 'postgres', label: 'PostgreSQL', images: ['postgres', 'postgis', 'timescaledb', 'pgvector'], dirs: POSTGRES_DIRS, env: ['PGDATA'], flags: ['-D'], volumes: POSTGRES_VOLUMES },
  // Other vendors' `postgresql` images: accept any of the usual layouts rather than guess one.
  { id: 'postgres', label: 'PostgreSQL', images: ['postgresql'], dirs: ['/var/lib/postgresql', '/var/lib/pgsql', '/bitnami/postgresql'], env: ['PGDATA', 'POSTGRESQL_DATA_DIR'] },
  { id: 'mysql', label: 'MySQL', images: ['bitnami/mysql'], dirs: ['/bitnami/mysql'], env: ['MYSQL_DATA_DIR'] },
  { id: 'mysql', label: 'MySQL', images: ['mysql', 'mysql-server', 'percona', 'percona-server', 'percona-xtradb-cluster'], dirs: ['/var/lib/mysql'], flags: ['--datadir'], volumes: () => ['/var/lib/mysql'] },
  { id: 'mariadb', label: 'MariaDB', images: ['bitnami/mariadb', 'bitnami/mariadb-galera'], dirs: ['/bitnami/mariadb'], env: ['MARIADB_DATA_DIR'] },
  { id: 'mariadb', label: 'MariaDB', images: ['mariadb'], dirs: ['/var/lib/mysql'], flags: ['--datadir'], volumes: () => ['/var/lib/mysql'] },
  { id: 'mongo', label: 'MongoDB', images: ['bitnami/mongodb'], dirs: ['/bitnami/mongodb'] },
  { id: 'mongo', label: 'MongoDB', images: ['mongo', 'mongodb-community-server', 'mongodb-enterprise-server'], dirs: ['/data/db'], flags: ['--dbpath'], volumes: () => ['/data/db', '/data/configdb'] },
  { id: 'redis', label: 'Redis', images: ['bitnami/redis'], dirs: ['/bitnami/redis/data'], persistent: bitnamiRedisPersistent },
  { id: 'redis', label: 'Valkey', images: ['bitnami/valkey'], dirs: ['/bitnami/valkey/data'], persistent: bitnamiRedisPersistent },
  { id: 'redis', label: 'Redis', images: ['redis', 'redis-stack', 'redis-stack-server', 'redismod', 'valkey', 'keydb'], dirs: ['/data'], flags: ['--dir'], persistent: redisPersistent },
  { id: 'elasticsearch', label: 'Elasticsearch', images: ['bitnami/elasticsearch'], dirs: ['/bitnami/elasticsearch/data'] },
  { id: 'elasticsearch', label: 'Elasticsearch', images: ['elasticsearch'], dirs: ['/usr/share/elasticsearch/data'], env: ['path.data'] },
  { id: 'opensearch', label: 'OpenSearch', images: ['opensearch'], dirs: ['/usr/share/opensearch/data'], env: ['path.data'] },
  { id: 'rabbitmq', label: 'RabbitMQ', images: ['bitnami/rabbitmq'], dirs: ['/bitnami/rabbitmq/mnesia'] },
  { id: 'rabbitmq', label: 'RabbitMQ', images: ['rabbitmq'], dirs: ['/var/lib/rabbitmq'], env: ['RABBITMQ_MNESIA_BASE'] },
  { id: 'cassandra', label: 'Cassandra', images: ['bitnami/cassandra'], dirs: ['/bitnami/cassandra'] },
  { id: 'cassandra', label: 'Cassandra', images: ['cassandra', 'scylla'], dirs: ['/var/lib/cassandra', '/var/lib/scylla'] },
  { id: 'couchdb', label: 'CouchDB', images: ['couchdb'], dirs: ['/opt/couchdb/data'] },
  { id: 'neo4j', label: 'Neo4j', images: ['neo4j'], dirs: ['/data'] },
  {
    id: 'influxdb', label: 'InfluxDB', images: ['influxdb'],
    dirs: (tag) => /^1\./.test(tag ?? '') ? ['/var/lib/influxdb'] : /^2\b/.test(tag ?? '') ? ['/var/lib/influxdb2'] : /^3\b/.test(tag ?? '') ? ['/var/lib/influxdb3']
      : ['/var/lib/influxdb2', '/var/lib/influxdb', '/var/lib/influxdb3'],
  },
  { id: 'minio', label: 'MinIO', images: ['bitnami/minio'], dirs: ['/bitnami/minio/data'], env: ['MINIO_DATA_DIR'] },
  { id: 'minio', label: 'MinIO', images: ['minio'], dirs: [], dirsFromRun: minioDirs },
  { id: 'clickhouse', label: 'ClickHouse', images: ['clickhouse-server', 'clickhouse'], dirs: ['/var/lib/clickhouse'] },
  { id: 'zookeeper', label: 'ZooKeeper', images: ['bitnami/zookeeper'], dirs: ['/bitnami/zookeeper'] },
  { id: 'zookeeper', label: 'ZooKeeper', images: ['cp-zookeeper'], dirs: ['/var/lib/zookeeper'] },
  { id: 'zookeeper', label: 'ZooKeeper', images: ['zookeeper'], dirs: ['/data'], env: ['ZOO_DATA_DIR'] },
  { id: 'kafka', label: 'Kafka', images: ['bitnami/kafka'], dirs: ['/bitnami/kafka'] },
  // apache/kafka keeps its log directory in /tmp unless KAFKA_LOG_DIRS says otherwise.
  { id: 'kafka', label: 'Kafka', images: ['apache/kafka', 'apache/kafka-native'], dirs: ['/tmp/kraft-combined-logs'], env: ['KAFKA_LOG_DIRS'] },
  // Confluent images keep the log directory in /var/lib/kafka/data (their volume); /var/lib/kafka holds only that.
  { id: 'kafka', label: 'Kafka', images: ['cp-kafka', 'cp-server', 'kafka'], dirs: ['/var/lib/kafka/data', '/kafka', '/bitnami/kafka'], env: ['KAFKA_LOG_DIRS'] },
  { id: 'redpanda', label: 'Redpanda', images: ['redpanda'], dirs: ['/var/lib/redpanda/data'] },
  { id: 'etcd', label: 'etcd', images: ['bitnami/etcd'], dirs: ['/bitnami/etcd'], env: ['ETCD_DATA_DIR'] },
  // Without --data-dir, etcd writes `<name>.etcd` in its working directory (/ in the official images).
  { id: 'etcd', label: 'etcd', images: ['etcd'], dirs: ['/default.etcd', '/var/lib/etcd', '/etcd-data'], env: ['ETCD_DATA_DIR'], flags: ['--data-dir'] },
  { id: 'nats', label: 'NATS JetStream', images: ['nats'], dirs: ['/tmp/nats'], flags: ['-sd', '--store_dir'], persistent: (f) => f.words.some((w) => w === '-js' || w === '--jetstream') },
  { id: 'mssql', label: 'SQL Server', images: ['mssql/server', 'mssql/rhel/server', 'azure-sql-edge', 'azure-sql-edge/developer'], dirs: ['/var/opt/mssql'], env: ['MSSQL_DATA_DIR'] },
  { id: 'cockroach', label: 'CockroachDB', images: ['cockroach'], dirs: ['/cockroach/cockroach-data'], flags: ['--store'] },
  { id: 'rethinkdb', label: 'RethinkDB', images: ['rethinkdb'], dirs: ['/data'] },
  { id: 'prometheus', label: 'Prometheus', images: ['prometheus'], dirs: ['/prometheus'], flags: ['--storage.tsdb.path'] },
  { id: 'qdrant', label: 'Qdrant', images: ['qdrant'], dirs: ['/qdrant/storage'], env: ['QDRANT__STORAGE__STORAGE_PATH'] },
];

/** Images that only ever cache: losing their data is by design. */
const CACHES = new Set(['memcached', 'bitnami/memcached']);

/** Client tools shipped in datastore images: a container running these is a one-off job, not the server. */
export const DATASTORE_CLIENTS = new Set([
  'psql', 'pg_dump', 'pg_dumpall', 'pg_restore', 'pg_isready', 'pg_basebackup', 'mysql', 'mysqldump', 'mysqladmin', 'mariadb-dump',
  'mariadb-admin', 'mongosh', 'mongo', 'mongodump', 'mongorestore', 'mongoimport', 'mongoexport', 'redis-cli', 'cqlsh', 'sqlcmd',
  'influx', 'mc', 'etcdctl', 'nats', 'kafka-topics.sh', 'rpk', 'clickhouse-client', 'cypher-shell', 'rabbitmqctl', 'rabbitmqadmin',
]);

/** Server programs, for telling a datastore image's own Dockerfile from an application's. */
export const DATASTORE_SERVERS = new Set([
  'postgres', 'mysqld', 'mariadbd', 'mongod', 'redis-server', 'valkey-server', 'rabbitmq-server', 'cassandra', 'elasticsearch',
  'opensearch', 'couchdb', 'neo4j', 'influxd', 'minio', 'clickhouse-server', 'zkServer.sh', 'kafka-server-start.sh', 'etcd',
  'nats-server', 'sqlservr', 'cockroach', 'rethinkdb', 'prometheus', 'redpanda',
]);

function repositoryOf(image: ImageRef): string {
  return image.repository.toLowerCase().replace(/^library\//, '');
}

/** Normalises a container path: forward slashes, no drive letter, no trailing slash, `.`/`..` folded. */
export function normalizePath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, '/').replace(/^[A-Za-z]:/, '').split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') parts.pop(); else parts.push(seg);
  }
  return '/' + parts.join('/');
}

/** A mount at `mountTarget` keeps `path` (the mount is at or above it). */
export function covers(mountTarget: string, path: string): boolean {
  const t = normalizePath(mountTarget), p = normalizePath(path);
  return t === '/' || p === t || p.startsWith(t + '/');
}

/** Value of `--flag=value` / `--flag value` in argv words; `''` when given empty, undefined when absent. */
export function flagValue(words: readonly string[], flag: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === flag) found = words[i + 1] ?? '';
    else if (w.startsWith(flag + '=')) found = w.slice(flag.length + 1);
  }
  return found;
}

/**
 * Redis keeps nothing worth a volume unless AOF or RDB snapshots are switched on; the official image
 * starts without a config file, and a plain `redis` service is almost always used as a cache.
 * `redis-stack` images enable snapshots in their default configuration.
 */
export function redisPersistent(facts: RunFacts, repo: string): boolean {
  const words = [...facts.words, ...(facts.env.get('REDIS_ARGS') ?? '').split(/\s+/).filter(Boolean)];
  const aof = flagValue(words, '--appendonly');
  const save = flagValue(words, '--save');
  if (aof !== undefined && aof.toLowerCase() === 'yes') return true;
  if (save !== undefined) return save.trim() !== '' && save !== '""' && save !== "''";
  if (aof !== undefined) return false;
  return /(^|\/)redis-stack(-server)?$/.test(repo);
}

/** Bitnami's Redis and Valkey images turn AOF on unless told otherwise. */
function bitnamiRedisPersistent(facts: RunFacts): boolean {
  const aof = facts.env.get('REDIS_AOF_ENABLED') ?? facts.env.get('VALKEY_AOF_ENABLED');
  return !(aof !== undefined && /^(no|false)$/i.test(aof));
}

/** `minio server /data` or `server http://minio-{0...3}/data{1...2}`: the local paths after `server`. */
function minioDirs(facts: RunFacts): string[] | undefined {
  const i = facts.words.indexOf('server');
  if (i < 0) return undefined;
  const dirs: string[] = [];
  for (const w of facts.words.slice(i + 1)) {
    if (w.startsWith('-')) continue;
    let p = /^https?:\/\//.test(w) ? w.replace(/^https?:\/\/[^/]*/, '') : w;
    if (!p.startsWith('/')) continue;
    // Expansion patterns (`/data{1...4}`) name sibling drives: the first one stands for them all.
    p = p.replace(/\{(\w+)\.\.\.\w+\}/g, '$1');
    dirs.push(p);
  }
  return dirs.length ? dirs : undefined;
}

function entryFor(repo: string, base: string): Entry | undefined {
  return TABLE.find((e) => e.images.some((i) => i.includes('/') && (repo === i || repo.endsWith('/' + i))))
    ?? TABLE.find((e) => e.images.some((i) => !i.includes('/') && i === base));
}

/** True for images that are caches by design (memcached). */
export function isCacheImage(image: ImageRef): boolean {
  const repo = repositoryOf(image);
  return CACHES.has(repo) || CACHES.has(imageBaseName(image));
}

/**
 * The datastore an image runs, with the directories that must be persistent; undefined for
 * non-datastores, caches, images whose reference is dynamic, and datastores configured not to
 * persist (a Redis without AOF/RDB). `custom` maps image names (base name or full repository) to
 * data directories for in-house images and wins over the built-in table.
 */
export function identifyDatastore(image: ImageRef, facts: RunFacts, custom: Readonly<Record<string, string[]>> = {}): DatastoreMatch | undefined {
  if (image.dynamic || isCacheImage(image)) return undefined;
  const repo = repositoryOf(image);
  const base = imageBaseName(image);
  for (const key of Object.keys(custom)) {
    const k = key.toLowerCase().replace(/^library\//, '');
    if ((k === repo || k === base || repo.endsWith('/' + k)) && custom[key]?.length) {
      return { id: key, label: key, dataDirs: custom[key].map(normalizePath) };
    }
  }
  const entry = entryFor(repo, base);
  if (!entry) return undefined;
  if (entry.persistent && !entry.persistent(facts, repo)) return undefined;
  const match: DatastoreMatch = { id: entry.id, label: entry.label, dataDirs: [] };
  for (const name of entry.env ?? []) {
    if (!facts.env.has(name)) continue;
    const v = facts.env.get(name);
    // A variable decided at deploy time: the data directory is unknown, so nothing can be judged.
    if (v === undefined) return undefined;
    const first = v.split(/[,:]/)[0].trim();
    if (first.startsWith('/')) { match.dataDirs = [normalizePath(first)]; match.overriddenBy = name; }
  }
  for (const flag of entry.flags ?? []) {
    const v = flagValue(facts.words, flag);
    if (v === undefined) continue;
    // cockroach --store=path=/x,attrs=ssd
    const path = v.replace(/^path=/, '').split(',')[0];
    if (!path.startsWith('/') || /[$\uE000]/.test(path)) return undefined;
    match.dataDirs = [normalizePath(path)]; match.overriddenBy = flag;
  }
  if (!match.dataDirs.length && entry.dirsFromRun) {
    const dirs = entry.dirsFromRun(facts);
    if (!dirs) return undefined;
    match.dataDirs = dirs.map(normalizePath);
  }
  if (!match.dataDirs.length) match.dataDirs = typeof entry.dirs === 'function' ? entry.dirs(image.tag) : [...entry.dirs];
  const volumes = entry.volumes?.(image.tag);
  if (volumes?.length) match.imageVolumes = volumes;
  return match.dataDirs.length ? match : undefined;
}

/** Built-in default data directories of every datastore (for judging `VOLUME` lines in a datastore's own image). */
export function knownDataDirectories(custom: Readonly<Record<string, string[]>> = {}): string[] {
  const out = new Set<string>();
  for (const e of TABLE) {
    const dirs = typeof e.dirs === 'function' ? [...e.dirs(undefined), ...e.dirs('18')] : e.dirs;
    for (const d of dirs) out.add(d);
  }
  for (const dirs of Object.values(custom)) for (const d of dirs) out.add(normalizePath(d));
  return [...out];
}

/** The datastore an image's repository names, ignoring run facts (used for base images of Dockerfiles). */
export function datastoreOfImage(image: ImageRef): string | undefined {
  if (image.dynamic) return undefined;
  return entryFor(repositoryOf(image), imageBaseName(image))?.id;
}

// ---------------------------------------------------------------- state kept in files by applications

export interface FileState {
  kind: 'sqlite' | 'sessions' | 'cache' | 'uploads';
  /** How the value says it, for messages ("a SQLite database", "file-based sessions"). */
  what: string;
  /** Where the files go, as written (absolute or relative); empty when the framework decides (session/cache drivers). */
  paths: string[];
}

const DB_FILE = /\.(?:db|sqlite|sqlite3|db3)$/i;
/** Names that hold a host or a name on a server, where `something.db` is a hostname, not a file. */
const NOT_A_FILE_NAME = /(?:HOST|HOSTNAME|SERVER|ADDR|ADDRESS|DOMAIN|ENDPOINT|SERVICE)$/i;
const UPLOAD_NAME = /(?:^|_)(?:UPLOADS?|MEDIA|ATTACHMENTS?)_(?:DIR|DIRECTORY|ROOT|PATH|FOLDER|LOCATION|STORAGE_PATH)$/i;
const RELATIVE_PATH = /^(?:\.{1,2}\/)?[\w.-]+(?:\/[\w.-]+)*\/?$/;

/** `CACHE.*BACKEND$` (Django's `CACHES_DEFAULT_BACKEND`), without retrying `.*` from every `CACHE`. */
export function cacheBackendName(name: string): boolean {
  return /BACKEND$/i.test(name) && /CACHE/i.test(name.slice(0, -7)) && !hasLineBreak(name);
}

function stripQuery(s: string): string { return cutAtFirstOf(s, '?#'); }

function sqlitePaths(rest: string): string[] | undefined {
  const r = stripQuery(rest);
  if (/:memory:|mode=memory/i.test(rest) || r === '' || r === '//' || r === '///') return undefined;
  // sqlite:////abs (four slashes) is absolute everywhere; three slashes is relative for SQLAlchemy and
  // absolute for many other libraries, so both readings are kept.
  if (r.startsWith('////')) return [r.slice(3)];
  if (r.startsWith('///')) return [r.slice(3), r.slice(2)];
  if (r.startsWith('//')) return [r.slice(2)];
  return [r];
}

/** Application state an environment variable puts on the container's filesystem, if any. */
export function fileStateOf(name: string, rawValue: string): FileState | undefined {
  const v = rawValue.trim();
  if (/session\.save_handler\s*=\s*"?files\b/i.test(v)) return { kind: 'sessions', what: 'file-based PHP sessions', paths: [] };
  if (!v || /\s/.test(v)) return undefined;
  const scheme = /^(?:jdbc:)?sqlite3?:/i.exec(v);
  if (scheme) {
    const paths = sqlitePaths(v.slice(scheme[0].length));
    return paths ? { kind: 'sqlite', what: 'a SQLite database', paths } : undefined;
  }
  if (/^file:/i.test(v) && (DB_FILE.test(stripQuery(v)) || /DATABASE|(?:^|_)DB(?:_|$)|SQLITE/i.test(name))) {
    const p = stripQuery(v.slice(5)).replace(/^\/\/(?=\/)/, '');
    return p && !/:memory:|mode=memory/i.test(v) ? { kind: 'sqlite', what: 'a SQLite database', paths: [p] } : undefined;
  }
  if (DB_FILE.test(v) && !v.includes('://') && !NOT_A_FILE_NAME.test(name) && (v.includes('/') || /SQLITE|DATABASE|(?:^|_)DB(?:_|$)/i.test(name))) {
    return { kind: 'sqlite', what: 'a SQLite database', paths: [v] };
  }
  const lower = v.toLowerCase();
  if (/^SESSION_(?:DRIVER|STORE)$/i.test(name) && (lower === 'file' || lower === 'files')) return { kind: 'sessions', what: 'file-based sessions', paths: [] };
  if (/SESSION_ENGINE$/i.test(name) && /sessions\.backends\.file$/.test(v)) return { kind: 'sessions', what: 'file-based sessions', paths: [] };
  if (/SESSION[._]SAVE_HANDLER$/i.test(name) && lower === 'files') return { kind: 'sessions', what: 'file-based PHP sessions', paths: [] };
  if (/^CACHE_(?:DRIVER|STORE)$/i.test(name) && lower === 'file') return { kind: 'cache', what: 'a file cache', paths: [] };
  if (cacheBackendName(name) && /FileBasedCache$/.test(v)) return { kind: 'cache', what: 'a file cache', paths: [] };
  if ((UPLOAD_NAME.test(name) || /^(?:MEDIA_ROOT|UPLOAD_FOLDER)$/i.test(name)) && !v.includes(':') && (v.startsWith('/') || RELATIVE_PATH.test(v))) {
    return { kind: 'uploads', what: 'uploaded files', paths: [v] };
  }
  return undefined;
}

// ---------------------------------------------------------------- Redis access control

/**
 * Redis images that accept every client without a password when started as shipped: the official
 * `redis` and `valkey` images build the server with protected mode off (their ports are only reachable
 * when published), and the redis-stack entrypoints pass `--protected-mode no`. Bitnami's images refuse
 * to start without a password unless `ALLOW_EMPTY_PASSWORD=yes`, which authDisabledBy reports.
 */
const OPEN_REDIS_REPOSITORIES = new Set(['redis', 'valkey/valkey', 'redis/redis-stack', 'redis/redis-stack-server']);
const REDIS_PROGRAMS = /(?:^|\/)(?:redis|valkey|redis-stack)-server$/;
const ALL_ADDRESSES = new Set(['0.0.0.0', '*', '::', '-::*', '::*']);

/** The image is one of the Redis images that start without authentication. */
export function isOpenRedisImage(image: ImageRef): boolean {
  if (image.dynamic) return false;
  const registry = image.registry?.toLowerCase();
  if (registry && registry !== 'docker.io' && registry !== 'index.docker.io' && registry !== 'registry-1.docker.io') return false;
  return OPEN_REDIS_REPOSITORIES.has(repositoryOf(image));
}

/**
 * How a Redis start limits who may connect, or undefined when it accepts anyone: a password or ACL
 * (`--requirepass`, `--aclfile`, `--user`), a configuration file the file does not show (`redis-server
 * /etc/redis.conf`), protected mode, a bind address that is not every interface, or a program other
 * than the server (a script may do any of these). `REDIS_ARGS` (redis-stack) counts like the command.
 */
export function redisAccessControl(facts: RunFacts): string | undefined {
  const args = facts.env.has('REDIS_ARGS') ? facts.env.get('REDIS_ARGS') : '';
  if (args === undefined) return 'REDIS_ARGS is set at deploy time';
  const words = [...facts.words, ...args.split(/\s+/).filter(Boolean)];
  const text = words.join(' ');
  if (/requirepass|aclfile/i.test(text) || flagValue(words, '--user') !== undefined) return 'a password or ACL';
  const program = facts.words[0];
  if (program !== undefined && !program.startsWith('-') && !REDIS_PROGRAMS.test(program) && program !== 'docker-entrypoint.sh') return `the program ${program}`;
  if (words.some((w) => /\.conf$/i.test(w))) return 'a configuration file';
  // A variable in place of a flag may expand to `--requirepass ...`; as a flag's value it is only that value.
  if (words.some((w, i) => /^(?:\$|\uE000)/.test(w) && !words[i - 1]?.startsWith('--'))) return 'options from a variable';
  if (flagValue(words, '--protected-mode')?.toLowerCase() === 'yes') return 'protected mode';
  const bind = flagValue(words, '--bind');
  if (bind !== undefined && !bind.split(/\s+/).every((a) => ALL_ADDRESSES.has(a))) return `bind ${bind}`;
  return undefined;
}

/** The port a Redis start listens on (`--port`), 6379 by default; undefined when it is not a literal number. */
export function redisPort(facts: RunFacts): number | undefined {
  const p = flagValue(facts.words, '--port');
  if (p === undefined) return 6379;
  return /^\d+$/.test(p) ? Number(p) : undefined;
}
