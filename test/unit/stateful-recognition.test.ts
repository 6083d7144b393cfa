/**
 * Datastores recognised by what they do (issue #14 item 5): by their data directory, through `${VAR}` images,
 * built FROM a database, and persistence at parent paths the image's own VOLUME does not hide.
 * The fixtures under test/fixtures/rules/database-without-volume carry the `# expect` marks; this file checks
 * severities, the evidence in messages and the other state rules that ask the same question.
 */
import * as assert from 'assert';
import * as path from 'path';
import { analyze, analyzeFile, fixturesDir } from './helpers';
import { inferDatastore } from '../../server/src/knowledge/data-directories';
import { identifyDatastore } from '../../server/src/knowledge/datastores';
import { parseImageRef } from '../../server/src/knowledge/image';

const DIR = path.join(fixturesDir, 'rules', 'database-without-volume');
const noFacts = { env: new Map<string, string | undefined>(), words: [] as string[] };

async function findingsOf(file: string, ruleId: string): Promise<{ line: number; severity: string; message: string }[]> {
  const r = await analyzeFile(file);
  return r.findings.filter((f) => f.ruleId === ruleId).sort((a, b) => a.range.start.line - b.range.start.line)
    .map((f) => ({ line: f.range.start.line + 1, severity: f.severity, message: f.message }));
}

describe('datastores recognised by what they do', () => {
  it('a guess from the data directory is a warning; an image named or built FROM a database keeps its severity', async () => {
    const got = await findingsOf(path.join(DIR, 'by-data-directory', 'compose.yaml'), 'database-without-volume');
    const byService = (name: string) => got.find((f) => f.message.startsWith(`Service "${name}"`));
    for (const name of ['orders-db', 'metrics', 'legacy-mysql', 'session-cache']) assert.strictEqual(byService(name)?.severity, 'warning', name);
    for (const name of ['built-pg', 'from-env', 'pg16-parent', 'bitnami-parent']) assert.strictEqual(byService(name)?.severity, 'error', name);
  });

  it('the message names the evidence: the variable, flag, Dockerfile VOLUME or mount', async () => {
    const got = await findingsOf(path.join(DIR, 'by-data-directory', 'compose.yaml'), 'database-without-volume');
    const msg = (name: string) => got.find((f) => f.message.startsWith(`Service "${name}"`))?.message ?? '';
    assert.match(msg('orders-db'), /writes \/var\/lib\/postgresql\/data\/pgdata \(set by PGDATA\), where PostgreSQL keeps its data/);
    assert.match(msg('metrics'), /writes \/prometheus \(set by --storage\.tsdb\.path\), where Prometheus keeps its data.*tmpfs/);
    assert.match(msg('legacy-mysql'), /writes \/var\/lib\/mysql \(declared as VOLUME in its Dockerfile\), where MySQL keeps its data/);
    assert.match(msg('built-pg'), /runs PostgreSQL but its data directory \/var\/lib\/postgresql\/data/);
    assert.match(msg('from-env'), /runs MariaDB/);
    assert.match(msg('pg16-parent'), /the image declares VOLUME \/var\/lib\/postgresql\/data, which hides the mount at \/var\/lib\/postgresql \(pg16\)/);
  });

  it('Kubernetes: an emptyDir at /var/lib/mysql of a custom image is a warning naming the volume', async () => {
    const got = await findingsOf(path.join(DIR, 'k8s-by-data-directory.yaml'), 'database-without-volume');
    assert.deepStrictEqual(got.map((f) => `${f.line}:${f.severity}`), ['14:warning', '33:warning', '50:error', '73:error', '100:warning']);
    assert.match(got[0].message, /Container "db" in Deployment "legacy-mysql" writes \/var\/lib\/mysql \(emptyDir "data" is mounted there\), where MySQL keeps its data/);
    assert.match(got[1].message, /set by OPENSEARCH_PATH_DATA/);
  });

  it('no-backup does not credit a volume the image VOLUME hides, and asks the same of inferred systems of record', async () => {
    const r = await analyze('/virtual/prod/compose.yaml', [
      'services:',
      '  hidden:',
      '    image: postgres:16.4',
      '    volumes:',
      '      - pg16:/var/lib/postgresql',
      '  custom:',
      '    image: registry.acme.io/orders-db:1.2',
      '    environment:',
      '      PGDATA: /var/lib/postgresql/data/pgdata',
      '    volumes:',
      '      - orders:/var/lib/postgresql/data',
      'volumes:',
      '  pg16:',
      '  orders:',
      '',
    ].join('\n'));
    const backup = r.findings.filter((f) => f.ruleId === 'no-backup').map((f) => f.range.start.line + 1);
    assert.deepStrictEqual(backup, [11]);
  });

  it('datastore-on-host-path: a custom image with its MySQL data directory on a hostPath', async () => {
    const got = await findingsOf(path.join(fixturesDir, 'stateful', 'host-path', 'k8s.yaml'), 'datastore-on-host-path');
    assert.deepStrictEqual(got.map((f) => f.line), [12]);
    assert.match(got[0].message, /keeps its MySQL data on hostPath \/srv\/mysql/);
  });

  describe('inferDatastore', () => {
    const ev = (p: string, configured = false) => ({ path: p, how: 'test', configured });
    it('knows distinctive directories and Bitnami layouts', () => {
      assert.strictEqual(inferDatastore([ev('/var/lib/mysql')], [], noFacts)?.id, 'mysql');
      assert.strictEqual(inferDatastore([ev('/qdrant/storage')], [], noFacts)?.label, 'Qdrant');
      assert.strictEqual(inferDatastore([ev('/bitnami/postgresql')], [], noFacts)?.id, 'postgres');
      assert.strictEqual(inferDatastore([ev('/var/lib/clickhouse/')], [], noFacts)?.dataDirs[0], '/var/lib/clickhouse');
    });
    it('ignores files beside a data directory, /data without a Redis hint, and parents of data directories', () => {
      assert.strictEqual(inferDatastore([ev('/var/lib/mysql/mysql.sock', true)], [], noFacts), undefined);
      assert.strictEqual(inferDatastore([ev('/data')], ['uploader'], noFacts), undefined);
      assert.strictEqual(inferDatastore([ev('/var/lib')], [], noFacts), undefined);
      assert.strictEqual(inferDatastore([ev('/bitnami/nginx')], [], noFacts), undefined);
    });
    it('a Redis is recognised at /data only with a hint and persistence switched on', () => {
      const aof = { env: new Map<string, string | undefined>(), words: ['redis-server', '--appendonly', 'yes'] };
      assert.strictEqual(inferDatastore([ev('/data')], ['session-redis'], noFacts), undefined);
      assert.strictEqual(inferDatastore([ev('/data')], ['session-redis'], aof)?.id, 'redis');
    });
    it('configuration decides the data directory over mounts', () => {
      const m = inferDatastore([ev('/var/lib/postgresql/data'), ev('/srv/pg/main', true), ev('/var/lib/postgresql/data/pgdata', true)], [], noFacts);
      assert.deepStrictEqual(m?.dataDirs, ['/var/lib/postgresql/data/pgdata']);
    });
  });

  it('official images say which VOLUME they declare only when the version is known', () => {
    const vols = (ref: string) => identifyDatastore(parseImageRef(ref, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, false), noFacts)?.imageVolumes;
    assert.deepStrictEqual(vols('postgres:16.4-alpine'), ['/var/lib/postgresql/data']);
    assert.deepStrictEqual(vols('postgres:18.1'), ['/var/lib/postgresql']);
    assert.strictEqual(vols('postgres'), undefined);
    assert.strictEqual(vols('postgres:alpine'), undefined);
    assert.deepStrictEqual(vols('bitnami/postgresql:16'), ['/bitnami/postgresql']);
  });
});
