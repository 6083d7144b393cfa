import { covers, DatastoreMatch, normalizePath, redisPersistent, RunFacts } from './datastores';

/**
 * Datastores recognised by what they do rather than by their image's name: an in-house image
 * (`acme/orders-db`) that sets `PGDATA`, runs `--datadir=/var/lib/mysql`, declares `VOLUME /var/lib/mysql`
 * or has a volume mounted at `/prometheus` writes where only that datastore writes. The directories here are
 * the ones no ordinary application uses; `/data` is everyone's, so it counts only with a Redis hint.
 */

/** Where a container was seen writing, and how the file says so (for the message). */
export interface DataPathEvidence {
  path: string;
  /** The evidence in words, for the message: `PGDATA is /x`, `--datadir /x`, `emptyDir "data" is mounted at /x`. */
  how: string;
  /** Configuration (a variable or a flag) names the data directory; a mount or VOLUME only shows one is used. */
  configured: boolean;
}

interface Signature { id: string; label: string; dirs: string[] }

const SIGNATURES: Signature[] = [
  { id: 'postgres', label: 'PostgreSQL', dirs: ['/var/lib/postgresql', '/var/lib/pgsql'] },
  { id: 'mysql', label: 'MySQL', dirs: ['/var/lib/mysql'] },
  { id: 'mongo', label: 'MongoDB', dirs: ['/data/db', '/var/lib/mongodb'] },
  { id: 'elasticsearch', label: 'Elasticsearch', dirs: ['/usr/share/elasticsearch/data'] },
  { id: 'opensearch', label: 'OpenSearch', dirs: ['/usr/share/opensearch/data'] },
  { id: 'kafka', label: 'Kafka', dirs: ['/var/lib/kafka/data'] },
  { id: 'rabbitmq', label: 'RabbitMQ', dirs: ['/var/lib/rabbitmq'] },
  { id: 'clickhouse', label: 'ClickHouse', dirs: ['/var/lib/clickhouse'] },
  { id: 'influxdb', label: 'InfluxDB', dirs: ['/var/lib/influxdb2', '/var/lib/influxdb', '/var/lib/influxdb3'] },
  { id: 'cassandra', label: 'Cassandra', dirs: ['/var/lib/cassandra', '/var/lib/scylla'] },
  { id: 'couchdb', label: 'CouchDB', dirs: ['/opt/couchdb/data'] },
  { id: 'mssql', label: 'SQL Server', dirs: ['/var/opt/mssql'] },
  { id: 'cockroach', label: 'CockroachDB', dirs: ['/cockroach/cockroach-data'] },
  { id: 'redpanda', label: 'Redpanda', dirs: ['/var/lib/redpanda/data'] },
  { id: 'zookeeper', label: 'ZooKeeper', dirs: ['/var/lib/zookeeper'] },
  { id: 'qdrant', label: 'Qdrant', dirs: ['/qdrant/storage'] },
  { id: 'prometheus', label: 'Prometheus', dirs: ['/prometheus'] },
];

/** Bitnami images keep each product's data under `/bitnami/<product>`. */
const BITNAMI: Record<string, Signature> = {
  postgresql: { id: 'postgres', label: 'PostgreSQL', dirs: [] },
  mysql: { id: 'mysql', label: 'MySQL', dirs: [] },
  mariadb: { id: 'mariadb', label: 'MariaDB', dirs: [] },
  mongodb: { id: 'mongo', label: 'MongoDB', dirs: [] },
  elasticsearch: { id: 'elasticsearch', label: 'Elasticsearch', dirs: [] },
  opensearch: { id: 'opensearch', label: 'OpenSearch', dirs: [] },
  rabbitmq: { id: 'rabbitmq', label: 'RabbitMQ', dirs: [] },
  cassandra: { id: 'cassandra', label: 'Cassandra', dirs: [] },
  kafka: { id: 'kafka', label: 'Kafka', dirs: [] },
  zookeeper: { id: 'zookeeper', label: 'ZooKeeper', dirs: [] },
  clickhouse: { id: 'clickhouse', label: 'ClickHouse', dirs: [] },
  influxdb: { id: 'influxdb', label: 'InfluxDB', dirs: [] },
  etcd: { id: 'etcd', label: 'etcd', dirs: [] },
  minio: { id: 'minio', label: 'MinIO', dirs: [] },
  redis: { id: 'redis', label: 'Redis', dirs: [] },
  valkey: { id: 'redis', label: 'Valkey', dirs: [] },
};

const REDIS_HINT = /redis|valkey|keydb/i;
/** A last path segment with an extension is a file beside the data (a socket, a certificate, a config), not the data. */
const FILE_LIKE = /\.[A-Za-z][A-Za-z0-9]{0,5}$/;

function signatureOf(path: string, hints: readonly string[]): Signature | undefined {
  const bitnami = /^\/bitnami\/([a-z]+)(?:\/|$)/.exec(path);
  if (bitnami) return BITNAMI[bitnami[1]];
  const sig = SIGNATURES.find((s) => s.dirs.some((d) => covers(d, path)));
  if (sig) return sig;
  if ((covers('/var/lib/redis', path) || covers('/data', path)) && hints.some((h) => REDIS_HINT.test(h))) return { id: 'redis', label: 'Redis', dirs: [] };
  return undefined;
}

/**
 * The datastore a container runs, inferred from where it writes. `hints` are names that may say what it
 * is (image repository, service or container name, program); only `/data` needs one (Redis). A Redis is
 * a datastore only when its snapshots or AOF are switched on, as for the official image. Configuration
 * (a variable or flag naming a data directory) decides the directory over mounts and VOLUME lines.
 */
export function inferDatastore(evidence: readonly DataPathEvidence[], hints: readonly string[], facts: RunFacts): DatastoreMatch | undefined {
  const usable = evidence.filter((e) => e.path.startsWith('/') && !FILE_LIKE.test(e.path) && !/[$\uE000]/.test(e.path));
  const ordered = [...usable.filter((e) => e.configured), ...usable.filter((e) => !e.configured)];
  for (const e of ordered) {
    const path = normalizePath(e.path);
    const sig = signatureOf(path, hints);
    if (!sig) continue;
    const bitnami = path.startsWith('/bitnami/');
    if (sig.id === 'redis' && !bitnami && !redisPersistent(facts, '')) return undefined;
    return { id: sig.id, label: sig.label, dataDirs: [path], inferredFrom: e.how };
  }
  return undefined;
}
