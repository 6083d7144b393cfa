/**
 * Severities and messages of the detections of issue #14 that fixtures (lines only) cannot assert:
 * node agents are information with the reason, read-write takeover paths are errors, Helm templates
 * cap at warning, floating fallbacks of `${VAR:-...}` are information.
 */
import * as assert from 'assert';
import * as path from 'path';
import { analyze } from './helpers';

const at = (dir: string, name: string) => path.join(__dirname, 'detections-virtual', dir, name);

async function findings(file: string, text: string, rule: string) {
  const r = await analyze(file, text);
  return r.findings.filter((f) => f.ruleId === rule).map((f) => ({ line: f.range.start.line + 1, severity: f.severity, message: f.message, fix: f.fix?.() }));
}

describe('detections (issue #14)', () => {
  it('sensitive-host-mount: read-write takeover paths are errors, read-only warnings, node agents information with the reason', async () => {
    const text = [
      'services:',
      '  backup:',
      '    image: acme/backup:1.4.0',
      '    volumes:',
      '      - /etc:/host/etc',
      '      - /var/lib/docker:/var/lib/docker:ro',
      '      - /var/log:/logs',
      '  exporter:',
      '    image: prom/node-exporter:v1.8.2',
      '    volumes:',
      '      - /:/rootfs',
    ].join('\n');
    const f = await findings(at('compose', 'compose.yaml'), text, 'sensitive-host-mount');
    assert.deepStrictEqual(f.map((x) => `${x.line}:${x.severity}`), ['5:error', '6:warning', '7:warning', '11:info']);
    assert.match(f[3].message, /node agent/);
    assert.match(f[0].message, /read-write/);
    const fix = f[0].fix as { edits: { newText: string }[] }[] | undefined;
    assert.strictEqual(fix?.[0]?.edits[0].newText, ':ro', 'the quick fix appends :ro');
    assert.strictEqual(f[1].fix?.length ?? 0, 0, 'a read-only mount gets no read-only fix');
  });

  it('sensitive-host-mount: a DaemonSet is a node agent; a Deployment writing /sys in a Helm template is a warning, in a manifest an error', async () => {
    const pod = (kind: string) => [
      'apiVersion: apps/v1',
      `kind: ${kind}`,
      'metadata:',
      '  name: tuner',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: tuner',
      '          image: acme/tuner:1.0.0',
      '          volumeMounts:',
      '            - name: sys',
      '              mountPath: /host-sys',
      '      volumes:',
      '        - name: sys',
      '          hostPath:',
      '            path: /sys',
    ].join('\n');
    assert.deepStrictEqual((await findings(at('k8s', 'ds.yaml'), pod('DaemonSet'), 'sensitive-host-mount')).map((x) => x.severity), ['info']);
    assert.deepStrictEqual((await findings(at('k8s', 'deploy.yaml'), pod('Deployment'), 'sensitive-host-mount')).map((x) => x.severity), ['error']);
    const helm = pod('Deployment').replace('  name: tuner', '  name: {{ include "tuner.fullname" . }}');
    assert.deepStrictEqual((await findings(at(path.join('chart', 'templates'), 'deploy.yaml'), helm, 'sensitive-host-mount')).map((x) => x.severity), ['warning']);
  });

  it('host-socket-mount: any daemon socket is a warning, runtime sockets stay errors', async () => {
    const text = 'services:\n  app:\n    image: acme/app:1.0.0\n    volumes:\n      - /var/run/mysqld/mysqld.sock:/var/run/mysqld/mysqld.sock\n      - /var/run/docker.sock:/var/run/docker.sock\n';
    const f = await findings(at('compose', 'compose.yaml'), text, 'host-socket-mount');
    assert.deepStrictEqual(f.map((x) => `${x.line}:${x.severity}`), ['5:warning', '6:error']);
    assert.deepStrictEqual(await findings(at('compose', 'compose.yaml'), text, 'sensitive-host-mount'), [], 'one finding per mount');
  });

  it('unpinned-image: variant and channel tags are warnings, a floating fallback of ${VAR:-...} is reported', async () => {
    // Compose files get their defaults resolved by the project layer (no .env sets TAG here): the fallback is what runs.
    const text = 'services:\n  a:\n    image: redis:alpine\n  b:\n    image: acme/api:${TAG:-unstable}\n  c:\n    image: postgres:16.4-alpine\n';
    const f = await findings(at('compose', 'compose.yaml'), text, 'unpinned-image');
    assert.deepStrictEqual(f.map((x) => x.line), [3, 5]);
    assert.match(f[0].message, /variant tag `alpine`/);
    assert.match(f[1].message, /unstable/);
    // Where no layer resolves the variables (a Kubernetes manifest template of envsubst), the written fallback is information.
    const k8s = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: acme/api:${TAG:-unstable}\n';
    const g = await findings(at('k8s', 'pod.yaml'), k8s, 'unpinned-image');
    assert.deepStrictEqual(g.map((x) => `${x.line}:${x.severity}`), ['8:info']);
    assert.match(g[0].message, /falls back to "acme\/api:unstable"/);
  });

  it('insecure-download: names the switch, in every kind', async () => {
    const df = await findings(at('df', 'Dockerfile'), 'FROM alpine:3.20\nRUN apk add --allow-untrusted /tmp/x.apk\n', 'insecure-download');
    assert.deepStrictEqual(df.map((x) => x.line), [2]);
    assert.match(df[0].message, /--allow-untrusted/);
  });
});

describe('database-auth-disabled (issue #14)', () => {
  it('names the switch; a root password beside MYSQL_ALLOW_EMPTY_PASSWORD makes it moot', async () => {
    const text = 'services:\n  pg:\n    image: postgres:16.4\n    environment:\n      POSTGRES_HOST_AUTH_METHOD: trust\n  my:\n    image: mysql:8.4.2\n    environment:\n      MYSQL_ALLOW_EMPTY_PASSWORD: "yes"\n      MYSQL_ROOT_PASSWORD_FILE: /run/secrets/root\n';
    const f = await findings(at('compose', 'compose.yaml'), text, 'database-auth-disabled');
    assert.deepStrictEqual(f.map((x) => `${x.line}:${x.severity}`), ['5:warning']);
    assert.match(f[0].message, /without a password/);
  });
});
