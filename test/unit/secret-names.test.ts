/**
 * Issue #14 item 3: compound secret names, `${VAR:-fallback}` secrets, secret names as build arguments and
 * Redis published without a password. Fixtures pin the lines; these tests pin the classifier, severities,
 * messages and that no message shows a value in full.
 */
import * as assert from 'assert';
import * as path from 'path';
import { analyze } from './helpers';
import { isSecretName } from '../../server/src/knowledge/secrets';
import { redisAccessControl } from '../../server/src/knowledge/datastores';

const at = (dir: string, name: string) => path.join(__dirname, 'secret-names-virtual', dir, name);

async function findings(file: string, text: string, rule: string) {
  const r = await analyze(file, text);
  return r.findings.filter((f) => f.ruleId === rule).map((f) => ({ line: f.range.start.line + 1, severity: f.severity, message: f.message, fix: f.fix?.(), related: f.related }));
}

describe('secret names (issue #14 item 3)', () => {
  it('reads run-together, abbreviated and `*_AUTH` credential names as secrets', () => {
    const secrets = ['DBPASS', 'DB_PASS', 'DBPASSWORD', 'PGPASSWORD', 'ROOTPASSWORD', 'PASSWD', 'MYSQL_PWD', 'SMTP_PASSWD', 'LDAP_BIND_PW',
      'SECRET_KEY_BASE', 'STRIPE_APIKEY', 'MAILGUN_API_KEY', 'NPM_AUTH', 'BASIC_AUTH', 'REDISPASS', 'ACCESSTOKEN', 'JWTSECRET', 'dbPassword', 'db.password'];
    assert.deepStrictEqual(secrets.filter((n) => !isSecretName(n)), []);
  });

  it('leaves settings about a credential and words that only end like one', () => {
    const settings = ['AUTH_ENABLED', 'LDAP_AUTH_METHOD', 'SMTP_AUTH_TYPE', 'OAUTH_URL', 'AUTH_PROVIDER', 'SESSION_AUTH_TIMEOUT', 'TOKEN_TTL',
      'DB_PASSWORD_FILE', 'PASSWORD_MIN_LENGTH', 'PASSWORD_HASH_ALGORITHM', 'PASSWORD_POLICY', 'PASSWORD_AUTHENTICATION', 'SECRET_KEY_BASE_DUMMY',
      'BYPASS', 'COMPASS', 'CSRFTOKEN', 'PWD', 'OLDPWD', 'SSH_AUTH_SOCK', 'MYSQL_ALLOW_EMPTY_PASSWORD', 'DBPASS_FILE', 'AUTH_BACKEND', 'NEXT_PUBLIC_API_KEY', 'VAPID_PUBLIC_KEY'];
    assert.deepStrictEqual(settings.filter(isSecretName), []);
  });

  it('a committed `${VAR:-fallback}` secret is a warning without a fix, masked, in Compose and Dockerfiles', async () => {
    const compose = 'services:\n  app:\n    image: shop/app:1.4.2\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD:-Qw7rT2mZx9}\n      API_KEY: ${API_KEY:-changeme}\n      DBPASS: Qw7rT2mZx9\n';
    const f = await findings(at('fallback', 'compose.yaml'), compose, 'hardcoded-secret');
    assert.deepStrictEqual(f.map((x) => `${x.line}:${x.severity}:${!!x.fix}`), ['5:warning:false', '7:error:true']);
    assert.match(f[0].message, /falls back to a hardcoded secret \(Qw\*\*\*\*\) wherever the variable is unset/);
    assert.ok(f.every((x) => !x.message.includes('Qw7rT2mZx9')), 'a message shows the value');
    const df = await findings(at('fallback', 'Dockerfile'), 'FROM python:3.12.2-slim\nENV ADMIN_PASS=${ADMIN_PASS:-Qw7rT2mZx9}\n', 'hardcoded-secret');
    assert.deepStrictEqual(df.map((x) => `${x.line}:${x.severity}`), ['2:warning']);
  });
});

describe('secret-build-arg (issue #14 item 3)', () => {
  it('a secret-named ARG is a warning in the shipped image, info in a builder stage; a literal default stays hardcoded-secret\'s error', async () => {
    const text = 'FROM node:20.11.1 AS deps\nARG NPM_TOKEN\nRUN npm ci\nFROM node:20.11.1-slim\nARG DB_PASSWORD\nARG GITHUB_TOKEN=Qw7rT2mZx9Lp\nARG DB_PASSWORD_FILE\nRUN echo built\n';
    const r = await analyze(at('args', 'Dockerfile'), text);
    const got = r.findings.filter((f) => f.ruleId === 'secret-build-arg' || f.ruleId === 'hardcoded-secret').map((f) => `${f.range.start.line + 1}:${f.ruleId}:${f.severity}`);
    assert.deepStrictEqual(got, ['2:secret-build-arg:info', '5:secret-build-arg:warning', '6:hardcoded-secret:error']);
    const shipped = r.findings.find((f) => f.ruleId === 'secret-build-arg' && f.severity === 'warning')!;
    assert.match(shipped.message, /image history/);
    assert.match(shipped.message, /--mount=type=secret/);
    // The range names the argument, not a value: printed output must not mask it.
    assert.strictEqual(shipped.namesSecretHolder, true);
  });

  it('Compose build args from the environment are reported, literals and non-secrets are not', async () => {
    const text = 'services:\n  web:\n    build:\n      context: .\n      args:\n        - NPM_TOKEN\n        - GH_PASS=${GH_PASS}\n        - DB_PASSWORD=Qw7rT2mZx9Lp\n        - APP_VERSION=1.4.2\n        - TOKEN_TTL=3600\n';
    const f = await findings(at('args', 'compose.yaml'), text, 'secret-build-arg');
    assert.deepStrictEqual(f.map((x) => `${x.line}:${x.severity}`), ['6:warning', '7:warning']);
    assert.match(f[0].message, /Service "web" passes NPM_TOKEN to its build/);
  });
});

describe('database-auth-disabled: Redis without a password (issue #14 item 3)', () => {
  it('reports the image, points at the published port, and says REDIS_PASSWORD is ignored by the official image', async () => {
    const text = 'services:\n  cache:\n    image: redis:7.2.4\n    environment:\n      REDIS_PASSWORD: ${REDIS_PASSWORD}\n    ports:\n      - "6379:6379"\n  local:\n    image: redis:7.2.4\n    ports:\n      - "127.0.0.1:6379:6379"\n';
    const f = await findings(at('redis', 'compose.yaml'), text, 'database-auth-disabled');
    assert.deepStrictEqual(f.map((x) => `${x.line}:${x.severity}`), ['3:warning']);
    assert.match(f[0].message, /Service "cache" runs Redis without a password \(REDIS_PASSWORD is not read by this image/);
    assert.match(f[0].message, /publishes port 6379 on host port 6379 of every interface/);
    assert.deepStrictEqual(f[0].related?.map((x) => [x.range.start.line + 1, x.message]), [[7, 'Published here']]);
  });

  it('a Service in a sibling document of type NodePort exposes it; ClusterIP does not', async () => {
    const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cache\nspec:\n  selector:\n    matchLabels: {app: cache}\n  template:\n    metadata:\n      labels: {app: cache}\n    spec:\n      containers:\n        - name: redis\n          image: redis:7.2.4\n';
    const svc = (type: string) => `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n  type: ${type}\n  selector: {app: cache}\n  ports:\n    - port: 6379\n`;
    const open = await findings(at('redis-k8s', 'cache.yaml'), deploy + svc('NodePort'), 'database-auth-disabled');
    assert.deepStrictEqual(open.map((x) => x.line), [14]);
    assert.match(open[0].message, /exposed outside the cluster by Service "cache" of type NodePort/);
    assert.deepStrictEqual(await findings(at('redis-k8s', 'cache.yaml'), deploy + svc('ClusterIP'), 'database-auth-disabled'), []);
  });

  it('access control is read from the command: password, ACL, config file, protected mode, bind, another program', () => {
    const facts = (words: string[], env: [string, string | undefined][] = []) => ({ env: new Map(env), words });
    assert.strictEqual(redisAccessControl(facts([])), undefined);
    assert.strictEqual(redisAccessControl(facts(['redis-server', '--appendonly', 'yes', '--bind', '0.0.0.0'])), undefined);
    assert.strictEqual(redisAccessControl(facts(['--maxmemory', '${MAXMEM}'])), undefined);
    for (const words of [['redis-server', '--requirepass', '$(PW)'], ['--aclfile', '/etc/users.acl'], ['redis-server', '/etc/redis/redis.conf'],
      ['redis-server', '--protected-mode', 'yes'], ['redis-server', '--bind', '127.0.0.1'], ['redis-sentinel', '/etc/sentinel.conf'], ['redis-server', '$OPTIONS']]) {
      assert.ok(redisAccessControl(facts(words)), words.join(' '));
    }
    assert.ok(redisAccessControl(facts([], [['REDIS_ARGS', '--requirepass x']])));
    assert.ok(redisAccessControl(facts([], [['REDIS_ARGS', undefined]])));
  });
});
