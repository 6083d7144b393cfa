import type { EnvEntry, Located } from '../model/common';
import type { KubeContainer, KubeObject, KubeVolume, KubeWorkload, KubernetesModel, PodController, PodSpec } from '../model/kubernetes';
import { SourceText } from '../model/range';
import { parseImageRef } from '../knowledge/image';
import { TEMPLATE_MARK } from '../knowledge/interpolation';
import { parseYaml, yamlParserInput } from './yaml';
import { YView } from './yaml-view';
import { applyImageTriggers, linkWorkloadRefs, readKind } from './workload-kinds';

/** `source` maps offsets to positions (engine/incremental.ts passes one placing a document in its file). */
export function parseKubernetes(uri: string, text: string, helm = false, source = new SourceText(text)): KubernetesModel {
  const kustomization = /(?:^|[\\/])kustomization\.ya?ml$/.test(uri);
  const { input, lenient, templated } = yamlParserInput(text);
  const { docs, problems, readAsWritten } = parseYaml(input, source, lenient);
  const model: KubernetesModel = { kind: 'kubernetes', uri, source, objects: [], helm: helm || templated, problems, readAsWritten };
  for (const d of docs) {
    if (!d.view.isMap) continue;
    const obj = readObject(d.view, d.index, d.templated, kustomization);
    if (!obj) continue;
    // An OpenShift Template lists its objects (DeploymentConfigs, Services, ...) under `objects`; its
    // `${PARAMETER}` values are dynamic like any variable, and a parameter never writes a key.
    const openShiftTemplate = obj.kind === 'Template' && (obj.apiVersion === 'v1' || obj.apiVersion.startsWith('template.openshift.io/'));
    if (obj.kind === 'List' || obj.kind.endsWith('List') || openShiftTemplate) {
      for (const item of d.view.get(openShiftTemplate ? 'objects' : 'items')?.items() ?? []) {
        const o = readObject(item, d.index, d.templated);
        if (o) model.objects.push(o);
      }
    } else model.objects.push(obj);
  }
  linkWorkloadRefs(model.objects);
  return model;
}

/**
 * A name a template writes (`{{ include "app.fullname" . }}-worker`) is shown as written: the masked
 * reading would show nothing (`Deployment "-worker"`). It stays dynamic, so nothing matches it as a literal.
 */
function displayed(name: Located | undefined, source: SourceText): Located | undefined {
  if (!name?.value.includes(TEMPLATE_MARK)) return name;
  let written = source.slice(name.range).trim();
  if (written.length > 1 && (written[0] === '"' || written[0] === "'") && written.endsWith(written[0])) written = written.slice(1, -1);
  return written.includes('{{') ? { ...name, value: written } : name;
}

function stringMap(v: YView | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of v?.entries() ?? []) m.set(e.key, e.value.str()?.value ?? '');
  return m;
}

function readObject(v: YView, docIndex: number, templated: boolean, kustomization = false): KubeObject | undefined {
  // kustomize reads kustomization.yaml as a Kustomization whether or not it says so.
  const implied = kustomization ? { value: 'Kustomization', range: v.source.range(v.node?.range?.[0] ?? 0, v.node?.range?.[0] ?? 0), dynamic: false } : undefined;
  const apiVersion = v.get('apiVersion')?.str() ?? (implied && { ...implied, value: 'kustomize.config.k8s.io/v1beta1' });
  const kind = v.get('kind')?.str() ?? implied;
  if (!apiVersion || !kind) return undefined;
  const meta = v.get('metadata');
  const name = displayed(meta?.get('name')?.str(), v.source);
  const obj: KubeObject = {
    apiVersion: apiVersion.value, kind: kind.value, kindRange: kind.range,
    name: name?.value, nameRange: name?.range, namespace: meta?.get('namespace')?.str()?.value,
    range: v.range, docIndex, annotations: stringMap(meta?.get('annotations')), labels: stringMap(meta?.get('labels')),
    templated, raw: v,
  };
  const reading = readKind(v, kind.value, apiVersion.value);
  if (reading) {
    obj.controller = reading.controller;
    if (reading.podSpec) obj.controller = obj.workload = readWorkload(v, reading.controller, reading.podSpec);
    applyImageTriggers(obj);
  }
  return obj;
}

function readWorkload(obj: YView, controller: PodController, spec: YView): KubeWorkload {
  const podSpec: PodSpec = {
    range: spec.range, raw: spec,
    containers: (spec.get('containers')?.items() ?? []).filter((c) => c.isMap).map((c) => readContainer(c, false)),
    initContainers: (spec.get('initContainers')?.items() ?? []).filter((c) => c.isMap).map((c) => readContainer(c, true)),
    volumes: (spec.get('volumes')?.items() ?? []).filter((c) => c.isMap).map(readVolume),
  };
  return {
    ...controller,
    podSpec,
    volumeClaimTemplates: (obj.get('spec')?.get('volumeClaimTemplates')?.items() ?? []).map((t) => {
      const n = t.get('metadata')?.get('name')?.str();
      return { name: n?.value ?? '', range: n?.range ?? t.range };
    }),
  };
}

function readContainer(c: YView, init: boolean): KubeContainer {
  const name = c.get('name')?.str();
  const image = c.get('image')?.str();
  return {
    name: name?.value ?? '', nameRange: name?.range ?? c.range, range: c.range, init, raw: c,
    image: image && image.value.trim() ? parseImageRef(image.value, image.range, image.dynamic) : undefined,
    env: (c.get('env')?.items() ?? []).map(readEnv).filter((e): e is EnvEntry => !!e),
    envFrom: (c.get('envFrom')?.items() ?? []).flatMap((e) => {
      const out: KubeContainer['envFrom'] = [];
      for (const kind of ['secretRef', 'configMapRef'] as const) {
        const ref = e.get(kind);
        if (ref) out.push({ kind, name: ref.get('name')?.str()?.value, range: ref.range });
      }
      return out;
    }),
    command: strings(c.get('command')),
    args: strings(c.get('args')),
    ports: (c.get('ports')?.items() ?? []).map((p) => ({ containerPort: p.get('containerPort')?.num(), hostPort: p.get('hostPort')?.num(), range: p.range })),
    volumeMounts: (c.get('volumeMounts')?.items() ?? []).map((m) => ({
      name: m.get('name')?.str()?.value ?? '', mountPath: m.get('mountPath')?.str()?.value ?? '', range: m.range,
      readOnly: m.get('readOnly')?.bool()?.value === true, subPath: m.get('subPath')?.str()?.value,
    })),
  };
}

function strings(v: YView | undefined): Located[] {
  if (!v) return [];
  const one = v.str();
  if (one) return [one];
  return v.items().map((i) => i.str()).filter((s): s is Located => !!s);
}

function readEnv(e: YView): EnvEntry | undefined {
  const name = e.get('name')?.str();
  if (!name) return undefined;
  const value = e.get('value')?.str();
  const entry: EnvEntry = { name: name.value, nameRange: name.range, value: value?.value, valueRange: value?.range, range: e.range, dynamic: value?.dynamic ?? false };
  const vf = e.get('valueFrom');
  if (vf) {
    for (const kind of ['secretKeyRef', 'configMapKeyRef', 'fieldRef', 'resourceFieldRef'] as const) {
      const ref = vf.get(kind);
      if (ref) entry.valueFrom = { kind, name: ref.get('name')?.str()?.value, key: ref.get('key')?.str()?.value, range: ref.range };
    }
  }
  return entry;
}

function readVolume(v: YView): KubeVolume {
  const name = v.get('name')?.str()?.value ?? '';
  const type = v.entries().find((e) => e.key !== 'name')?.key ?? 'unknown';
  return {
    name, range: v.range, type,
    hostPath: v.get('hostPath')?.get('path')?.str(),
    claimName: v.get('persistentVolumeClaim')?.get('claimName')?.str(),
  };
}

export function looksLikeKubernetes(text: string): boolean {
  // Indentation is matched within the line: `^\s*` crossed line breaks and reread a blank file from every line.
  return /^[^\S\n\r\u2028\u2029]*["']?apiVersion["']?\s*:/m.test(text) && /^[^\S\n\r\u2028\u2029]*["']?kind["']?\s*:/m.test(text);
}
