import * as assert from 'assert';
import { parseDockerfile } from '../../server/src/parse/dockerfile';
import { parseCompose } from '../../server/src/parse/compose';
import { parseKubernetes } from '../../server/src/parse/kubernetes';
import { detectKind } from '../../server/src/parse/detect';
import { parseShell, programOf } from '../../server/src/knowledge/shell';

const words = (text: string, cmds: { words: { text: string; start: number; end: number }[] }[]) =>
  cmds.map((c) => c.words.map((w) => { assert.strictEqual(text.slice(w.start, w.end).replace(/^["']|["']$/g, ''), w.text); return w.text; }));

describe('Dockerfile model', () => {
  it('splits stages, resolves ARG defaults in FROM and knows which stages ship', () => {
    const m = parseDockerfile('/D', 'ARG NODE=20.11\nFROM node:${NODE}-alpine AS deps\nFROM golang:1.22 AS tools\nFROM deps AS final\nCMD ["node"]\n');
    assert.deepStrictEqual(m.stages.map((s) => [s.name, s.image?.tag, s.parent?.name, s.ships, s.isFinal]),
      [['deps', '20.11-alpine', undefined, true, false], ['tools', '1.22', undefined, false, false], ['final', undefined, 'deps', true, true]]);
    assert.deepStrictEqual(m.globalArgs.map((a) => [a.name, a.value]), [['NODE', '20.11']]);
  });

  it('marks an image built from an ARG without default as dynamic', () => {
    const m = parseDockerfile('/D', 'ARG BASE\nFROM ${BASE}\n');
    assert.strictEqual(m.stages[0].image?.dynamic, true);
  });

  it('reads shell commands across continuations with exact offsets', () => {
    const text = 'FROM a:1\nRUN apt-get update \\\n    && apt-get install -y curl=7.88 \\\n    # a comment line\n    && rm -rf /var/lib/apt/lists/*\n';
    const m = parseDockerfile('/D', text);
    assert.deepStrictEqual(words(text, m.instructions[1].commands), [['apt-get', 'update'], ['apt-get', 'install', '-y', 'curl=7.88'], ['rm', '-rf', '/var/lib/apt/lists/*']]);
  });

  it('runs heredoc scripts as shell and keeps file heredocs out', () => {
    const text = 'FROM a:1\nRUN <<EOF\napt-get install -y curl\nnpm install -g pm2\nEOF\nRUN cat > /etc/app.conf <<CONF\nnot a command\nCONF\n';
    const m = parseDockerfile('/D', text);
    assert.deepStrictEqual(words(text, m.instructions[1].commands), [['apt-get', 'install', '-y', 'curl'], ['npm', 'install', '-g', 'pm2']]);
    assert.deepStrictEqual(m.instructions[2].commands.map((c) => c.words.map((w) => w.text)), [['cat']]);
  });

  it('decodes exec form and runs the script of sh -c', () => {
    const text = 'FROM a:1\nCMD ["sh", "-c", "nginx & node app.js"]\nENTRYPOINT ["node", "a b.js"]\n';
    const m = parseDockerfile('/D', text);
    assert.deepStrictEqual(m.instructions[1].execForm?.map((w) => w.value), ['sh', '-c', 'nginx & node app.js']);
    assert.deepStrictEqual(words(text, m.instructions[1].commands), [['nginx'], ['node', 'app.js']]);
    assert.strictEqual(m.instructions[1].commands[0].terminator, '&');
    assert.deepStrictEqual(m.instructions[2].commands.map((c) => c.words.map((w) => w.text)), [['node', 'a b.js']]);
  });

  it('honours the escape directive', () => {
    const text = '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command `\n    Write-Host hi\n';
    const m = parseDockerfile('/D', text);
    assert.strictEqual(m.escapeChar, '`');
    assert.deepStrictEqual(m.instructions[1].commands.map((c) => c.words.map((w) => w.text)), [['powershell', '-Command', 'Write-Host', 'hi']]);
  });

  it('reads ENV properties with ranges', () => {
    const text = 'FROM a:1\nENV A=1 B="two words"\n';
    const m = parseDockerfile('/D', text);
    const p = m.instructions[1].properties;
    assert.deepStrictEqual(p.map((e) => [e.name, e.value]), [['A', '1'], ['B', 'two words']]);
    assert.strictEqual(m.source.slice(p[1].nameRange), 'B');
  });
});

describe('Compose model', () => {
  it('expands anchors and merge keys, keeps exact ranges', () => {
    const text = 'x-env: &env\n  LOG_LEVEL: info\nservices:\n  api:\n    <<: { restart: always }\n    image: shop/api:1.2\n    environment:\n      <<: *env\n      DB: db\n';
    const m = parseCompose('/compose.yaml', text);
    const s = m.services[0];
    assert.deepStrictEqual(s.environment.map((e) => e.name).sort(), ['DB', 'LOG_LEVEL']);
    assert.strictEqual(s.raw.get('restart')?.str()?.value, 'always');
    assert.strictEqual(m.source.slice(s.image!.range), 'shop/api:1.2');
    assert.strictEqual(s.image!.tag, '1.2');
  });

  it('reads list environment, short and long volumes, ports and depends_on', () => {
    const text = [
      'services:', '  api:', '    image: a', '    environment:', '      - "A=1"', '      - B', '    volumes:',
      '      - data:/var/lib/x:ro', '      - ./src:/app', '      - /tmp/anon', '      - ${SOCK:-/var/run/docker.sock}:/var/run/docker.sock',
      '      - type: bind', '        source: /etc/x', '        target: /x', '    ports:', '      - "127.0.0.1:5432:5432"', '      - 80', '      - target: 443', '        published: 8443',
      '    depends_on:', '      db:', '        condition: service_healthy', 'volumes:', '  data: {}', '',
    ].join('\n');
    const m = parseCompose('/compose.yaml', text);
    const s = m.services[0];
    assert.deepStrictEqual(s.environment.map((e) => [e.name, e.value, e.valueRange && m.source.slice(e.valueRange)]), [['A', '1', '1'], ['B', undefined, undefined]]);
    assert.deepStrictEqual(s.volumes.map((v) => [v.type, v.source?.value, v.target?.value, v.readOnly, v.anonymous]), [
      ['volume', 'data', '/var/lib/x', true, false], ['bind', './src', '/app', false, false], ['volume', undefined, '/tmp/anon', false, true],
      ['bind', '/var/run/docker.sock', '/var/run/docker.sock', false, false], ['bind', '/etc/x', '/x', false, false]]);
    assert.strictEqual(m.source.slice(s.volumes[1].target!.range), '/app');
    // `${SOCK:-default}` is read as Compose reads it without SOCK set: the default; the range stays on the text written.
    assert.strictEqual(m.source.slice(s.volumes[3].source!.range), '${SOCK:-/var/run/docker.sock}');
    assert.deepStrictEqual(s.ports.map((p) => [p.hostIp, p.published, p.target]), [['127.0.0.1', '5432', '5432'], [undefined, undefined, '80'], [undefined, '8443', '443']]);
    assert.deepStrictEqual(s.dependsOn.map((d) => [d.name, d.condition?.value]), [['db', 'service_healthy']]);
    assert.deepStrictEqual([...m.namedVolumes.keys()], ['data']);
  });

  it('expands sh -c in string and list commands with exact offsets', () => {
    const text = 'services:\n  w:\n    image: a:1\n    command: sh -c "pip install -r r.txt && python w.py"\n    entrypoint: ["bash", "-c", "npm ci && node ."]\n';
    const s = parseCompose('/compose.yaml', text).services[0];
    assert.deepStrictEqual(words(text, s.command!.commands), [['pip', 'install', '-r', 'r.txt'], ['python', 'w.py']]);
    assert.deepStrictEqual(words(text, s.entrypoint!.commands), [['npm', 'ci'], ['node', '.']]);
  });

  it('keeps going when a document has a syntax error', () => {
    const m = parseCompose('/compose.yaml', 'services:\n  api:\n    image: [oops\n');
    assert.ok(m.problems.length > 0);
  });
});

describe('Kubernetes model', () => {
  it('reads workloads of every kind from multi-document files', () => {
    const text = [
      'apiVersion: batch/v1', 'kind: CronJob', 'metadata: {name: c}', 'spec:', '  jobTemplate:', '    spec:', '      template:', '        spec:',
      '          containers: [{name: j, image: "busybox:1.36"}]', '---', 'apiVersion: apps/v1', 'kind: StatefulSet', 'metadata:', '  name: db',
      '  annotations: {seaworthy.dev/ignore: "x"}', 'spec:', '  replicas: 3', '  template:', '    spec:', '      initContainers:', '        - name: init', '          image: alpine:3.19',
      '      containers:', '        - name: pg', '          image: postgres@sha256:abc', '          env:', '            - name: P', '              valueFrom: {secretKeyRef: {name: s, key: k}}',
      '          volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]', '  volumeClaimTemplates:', '    - metadata: {name: data}', '---', 'not: kubernetes', '',
    ].join('\n');
    const m = parseKubernetes('/k.yaml', text);
    assert.deepStrictEqual(m.objects.map((o) => [o.kind, o.name, o.workload?.podSpec.containers.map((c) => c.name)]), [['CronJob', 'c', ['j']], ['StatefulSet', 'db', ['pg']]]);
    const sts = m.objects[1];
    assert.strictEqual(sts.workload!.replicas!.value, 3);
    assert.deepStrictEqual(sts.workload!.volumeClaimTemplates.map((v) => v.name), ['data']);
    assert.strictEqual(sts.workload!.podSpec.initContainers[0].init, true);
    assert.strictEqual(sts.workload!.podSpec.containers[0].image!.digest, 'sha256:abc');
    assert.deepStrictEqual(sts.workload!.podSpec.containers[0].env[0].valueFrom?.kind, 'secretKeyRef');
    assert.strictEqual(sts.annotations.get('seaworthy.dev/ignore'), 'x');
  });

  it('reads Helm templates with template expressions as dynamic values and unchanged offsets', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    {{- range .Values.sidecars }}\n    {{- end }}\n    - name: app\n      image: "{{ .Values.image }}:{{ .Values.tag }}"\n';
    const m = parseKubernetes('/chart/templates/pod.yaml', text, true);
    const c = m.objects[0].workload!.podSpec.containers[0];
    assert.strictEqual(c.image!.dynamic, true);
    assert.strictEqual(m.source.slice(c.nameRange), 'app');
    assert.strictEqual(m.objects[0].templated, true);
  });
});

describe('file kind detection', () => {
  it('uses names, then content', () => {
    const cases: [string, string, string | undefined][] = [
      ['/x/Dockerfile', '', 'dockerfile'], ['/x/Containerfile', '', 'dockerfile'], ['/x/api.dockerfile', '', 'dockerfile'], ['/x/Dockerfile.prod', '', 'dockerfile'],
      ['/x/Dockerfile.md', '', undefined], ['/x/Dockerfile.dockerignore', '.env\n', undefined], ['/x/compose.yaml', '', 'compose'], ['/x/docker-compose.override.yml', '', 'compose'], ['/x/compose.prod.yaml', '', 'compose'],
      ['/x/stack.yml', 'version: "3"\nservices:\n  a: {}\n', 'compose'], ['/x/app.yaml', 'apiVersion: v1\nkind: Pod\n', 'kubernetes'],
      ['/x/app.json', '{"apiVersion": "v1", "kind": "Pod"}', 'kubernetes'], ['/x/.github/workflows/ci.yml', 'on: push\njobs:\n  a:\n    services:\n      db: {}\n', undefined],
      ['/x/values.yaml', 'image: nginx\n', undefined],
      ['/x/stack.yml', 'services:\n  web:\n    image: nginx:1.27\n', 'compose'],
      ['/x/stack.yml', 'services:\n  web: {build: ., ports: ["80:80"]}\n', 'compose'],
      ['/x/stack.yml', 'services:\n  web:\n    environment:\n      A: b\nnetworks:\n  front: {}\n', 'compose'],
      ['/x/override.yml', 'services:\n  web:\n    extends:\n      file: base.yml\n      service: web\n', 'compose'],
      // Spring Boot's application.yml with a top-level `services:` map is configuration, not Compose.
      ['/x/src/main/resources/application.yml', 'server:\n  port: 8080\nservices:\n  billing:\n    url: http://billing:8080\n    timeout: 5s\n  image-store:\n    bucket: images\n', undefined],
      ['/x/application.yaml', 'services:\n  payments:\n    endpoint: https://pay.example.com\n    # image: not a key here\n', undefined],
    ];
    for (const [p, t, k] of cases) assert.strictEqual(detectKind(p, t), k, p);
  });
});

describe('shell splitter', () => {
  it('splits operators, pipes, redirects and quotes', () => {
    const text = `curl -fsSL "https://x/y z" | sh && echo 'a;b' > /tmp/o 2>&1; cmd &`;
    const cmds = parseShell(text);
    assert.deepStrictEqual(cmds.map((c) => [c.words.map((w) => w.text), c.terminator, c.piped]), [
      [['curl', '-fsSL', 'https://x/y z'], '|', false], [['sh'], '&&', true], [['echo', 'a;b'], ';', false], [['cmd'], '&', false]]);
    assert.deepStrictEqual(cmds[2].redirects.map((r) => [r.op, r.target?.text]), [['>', '/tmp/o'], ['>&', '1']]);
    assert.strictEqual(programOf(parseShell('sudo -u app FOO=1 exec gosu app node x.js')[0])?.name, 'node');
  });
});
