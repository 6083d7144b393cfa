import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfig } from '../../server/src/engine/config';
import { analyzePath, diskHost } from '../../server/src/workspace/batch';
import { WorkspaceIndex } from '../../server/src/workspace/index';
import { definesOf, renderTemplate, Defines } from '../../server/src/parse/helm/render';
import { readValues } from '../../server/src/parse/helm/values';
import { analyze, fixturesDir } from './helpers';

const CHART = path.join(fixturesDir, 'workspaces', 'helm-values', 'webapp');
const VALUES = path.join(CHART, 'values.yaml');
const DEPLOYMENT = path.join(CHART, 'templates', 'deployment.yaml');
const SECRET = path.join(CHART, 'templates', 'secret.yaml');

/** 1-based line of the first line of `file` that contains `needle`. */
function lineOf(file: string, needle: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${file}`);
  return i + 1;
}

function render(template: string, values: string, helpers = '') {
  const defines: Defines = new Map();
  for (const [k, nodes] of definesOf(helpers)) defines.set(k, { nodes, text: helpers });
  return renderTemplate(template, { values: readValues(values), chart: { name: 'app', version: '1.0.0', appVersion: '2.0' }, defines, templatePath: 'app/templates/t.yaml' });
}

describe('Helm templates rendered with the chart defaults', () => {
  it('renders values, default, quote, if/else and range, and masks what the defaults do not decide', () => {
    const r = render([
      'a: {{ .Values.a }}',
      'b: {{ .Values.missing | default "fallback" | quote }}',
      '{{- if .Values.off }}',
      'off: true',
      '{{- else if and .Values.on (not .Values.off) }}',
      'on: {{ eq .Values.a "x" }}',
      '{{- end }}',
      'list:',
      '{{- range $i, $v := .Values.items }}',
      '  - {{ $i }}={{ $v.name | upper }}',
      '{{- end }}',
      'cap: {{ .Capabilities.KubeVersion.Version }}',
      'name: {{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}',
      '',
    ].join('\n'), 'a: x\noff: false\non: true\nitems:\n  - name: p\n  - name: q\n');
    assert.ok(r);
    assert.strictEqual(r.text, 'a: x\nb: "fallback"\non: true\nlist:\n  - 0=P\n  - 1=Q\ncap: \uE000\nname: release-name-app\n');
  });

  it('keeps every branch of a condition the defaults do not decide (as the masked reading did)', () => {
    const r = render('{{- if .Capabilities.APIVersions.Has "x" }}\nx: 1\n{{- else }}\ny: 2\n{{- end }}\n', '{}');
    assert.strictEqual(r?.text, '\nx: 1\ny: 2\n');
  });

  it('a key values.yaml lacks is false in a condition and masked as a value (a subchart or the user sets it)', () => {
    const r = render('{{- if .Values.nope.enabled }}\nhostPID: true\n{{- end }}\nimage: "{{ .Values.sub.repo }}:{{ .Values.sub.tag }}"\n', 'other: 1\n');
    assert.strictEqual(r?.text, '\nimage: "\uE000:\uE000"\n');
  });

  it('maps toYaml | nindent output key by key to values.yaml', () => {
    const values = 'securityContext:\n  runAsUser: 0\n  privileged: true\n';
    const r = render('spec:\n  securityContext:\n    {{- toYaml .Values.securityContext | nindent 4 }}\n', values);
    assert.strictEqual(r?.text, 'spec:\n  securityContext:\n    privileged: true\n    runAsUser: 0\n');
    const priv = r.segments.find((s) => s.kind === 'v' && r.text.slice(s.start, s.end) === 'privileged');
    assert.ok(priv?.src);
    assert.strictEqual(values.slice(priv.src.start, priv.src.end), 'privileged');
    assert.strictEqual(r.segments.filter((s) => s.kind === 'v' && r.text.slice(s.start, s.end) === '0').length, 1);
  });

  it('includes named templates with their own variables; an undecidable one is masked whole', () => {
    const helpers = '{{- define "n" -}}{{- $x := default .Chart.Name .Values.nameOverride -}}{{ .Release.Name }}-{{ $x }}{{- end -}}{{- define "u" -}}{{ lookup "v1" "Secret" "" "x" }}{{- end -}}';
    const r = render('a: {{ include "n" . }}\nb: {{ include "u" . }}\nc: {{ include "absent" . }}\n', 'nameOverride: ""\n', helpers);
    assert.strictEqual(r?.text, 'a: release-name-app\nb: \uE000\nc: \uE000\n');
  });

  it('never throws: malformed or hostile templates fall back to masking (undefined)', () => {
    for (const t of ['{{ if }}', '{{ end }}', '{{ .Values.a', '{{ range .Values.a }}x', '{{ "unterminated }}', '{{ include "a" . }}']) {
      assert.doesNotThrow(() => render(t, 'a: [1, 2]\n', '{{ define "a" }}{{ include "a" . }}{{ end }}'));
    }
    // Self-including named templates stop at the depth bound; a huge range at the step bound.
    assert.strictEqual(render('x: {{ include "a" . }}\n', '{}', '{{ define "a" }}{{ include "a" . }}{{ end }}')?.text, 'x: \uE000\n');
    // A range over what the defaults do not decide renders its body once, as the masked reading did.
    assert.strictEqual(render('{{ range until 100000000 }}x{{ end }}\n', '{}')?.text, 'x\n');
  });
});

describe('Helm chart: hazards from values.yaml defaults', () => {
  const config = defaultConfig();
  const analyse = async (file: string) => analyzePath(file, config, diskHost(config, undefined, [file]));

  it('reports each hazard a default decides on its values.yaml line, with the template line as related information', async () => {
    const r = await analyse(VALUES);
    const got = r.findings.map((f) => `${f.range.start.line + 1}:${f.ruleId}`).sort();
    const want = [
      `${lineOf(VALUES, 'tag: latest')}:unpinned-image`,
      `${lineOf(VALUES, 'hostNetwork: true')}:host-namespace`,
      `${lineOf(VALUES, 'runAsUser: 0')}:runs-as-root`,
      `${lineOf(VALUES, 'privileged: true')}:privileged-container`,
      `${lineOf(VALUES, 'q7Vx2mLp9Rt4')}:hardcoded-secret`,
      `${lineOf(VALUES, 'adminPassword')}:hardcoded-secret`,
      `${lineOf(VALUES, 'adminPassword')}:committed-secret-manifest`,
      `${lineOf(VALUES, 'hostPath: /var/run/docker.sock')}:host-socket-mount`,
    ].sort();
    assert.deepStrictEqual(got, want);
    const hostNet = r.findings.find((f) => f.ruleId === 'host-namespace')!;
    assert.strictEqual(hostNet.related?.[0].file, DEPLOYMENT);
    assert.strictEqual(hostNet.related?.[0].range.start.line + 1, lineOf(DEPLOYMENT, 'hostNetwork:'));
    const secret = r.findings.find((f) => f.ruleId === 'committed-secret-manifest')!;
    assert.strictEqual(secret.related?.[0].file, SECRET);
    // Names come from the rendered `include "webapp.fullname"`, never an empty name.
    assert.match(hostNet.message, /Deployment "release-name-webapp"/);
    // Secrets are masked in messages.
    assert.ok(!r.findings.some((f) => f.message.includes('Sup3rS3cretAdm1n') || f.message.includes('q7Vx2mLp9Rt4')));
  });

  it('does not report a placeholder default, a branch the defaults switch off, or the values findings again on the template', async () => {
    const values = await analyse(VALUES);
    assert.ok(!values.findings.some((f) => f.range.start.line + 1 === lineOf(VALUES, 'apiToken')));
    const deployment = await analyse(DEPLOYMENT);
    // hostPID: true sits in `if .Values.debug.enabled` (false by default).
    assert.ok(!deployment.findings.some((f) => f.ruleId === 'host-namespace'), deployment.findings.map((f) => f.ruleId).join());
    assert.deepStrictEqual(deployment.findings.filter((f) => f.category === 'secrets' || f.ruleId === 'privileged-container'), []);
    const secret = await analyse(SECRET);
    assert.deepStrictEqual(secret.findings.map((f) => f.ruleId), []);
  });

  it('a chart whose defaults are safe reports nothing on values.yaml; the same template with an unsafe default does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-helm-'));
    try {
      fs.cpSync(CHART, dir, { recursive: true });
      const v = path.join(dir, 'values.yaml');
      const safe = fs.readFileSync(v, 'utf8').replace('hostNetwork: true', 'hostNetwork: false').replace('privileged: true', 'privileged: false');
      fs.writeFileSync(v, safe);
      const r = await analyse(v);
      assert.ok(!r.findings.some((f) => f.ruleId === 'host-namespace' || f.ruleId === 'privileged-container'));
      assert.ok(r.findings.some((f) => f.ruleId === 'runs-as-root'));
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('a name the defaults do not decide is shown as the template writes it, never empty', async () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "x.fullname" . }}-worker\nspec:\n  strategy:\n    type: Recreate\n';
    // unsafe-rollout-strategy is in the strict set.
    const r = await analyze(path.join(os.tmpdir(), 'no-chart', 'templates', 'worker.yaml'), text, { ...defaultConfig(), ruleSet: 'strict' });
    const f = r.findings.find((x) => x.ruleId === 'unsafe-rollout-strategy');
    assert.ok(f);
    assert.match(f.message, /Deployment "\{\{ include "x\.fullname" \. \}\}-worker"/);
  });

  it('the workspace index re-analyses values.yaml when a template changes, and the templates when values.yaml does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-helm-ix-'));
    try {
      fs.cpSync(CHART, dir, { recursive: true });
      const ix = new WorkspaceIndex({ roots: [dir], config: defaultConfig() });
      await ix.scan();
      const v = path.join(dir, 'values.yaml'), t = path.join(dir, 'templates', 'deployment.yaml');
      const hostNet = () => (ix.result(v)?.findings ?? []).filter((f) => f.ruleId === 'host-namespace').length;
      assert.strictEqual(hostNet(), 1);
      fs.writeFileSync(t, fs.readFileSync(t, 'utf8').replace(/^ *hostNetwork:.*\n/m, ''));
      const again = await ix.update(t, 'changed');
      assert.ok(again.includes(v), again.join());
      assert.strictEqual(hostNet(), 0);
      fs.writeFileSync(v, fs.readFileSync(v, 'utf8').replace('enabled: false', 'enabled: true'));
      assert.ok((await ix.update(v, 'changed')).includes(t));
      // `debug.enabled: true` switches the hostPID branch on: the template's own line now holds the hazard.
      assert.ok((ix.result(t)?.findings ?? []).some((f) => f.ruleId === 'host-namespace' && f.range.start.line + 1 === lineOf(t, 'hostPID: true')));
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('values.yaml outside a chart is not analysed as one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-helm-'));
    try {
      fs.writeFileSync(path.join(dir, 'values.yaml'), 'hostNetwork: true\n');
      const r = await analyse(path.join(dir, 'values.yaml'));
      assert.strictEqual(r.kind, undefined);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
