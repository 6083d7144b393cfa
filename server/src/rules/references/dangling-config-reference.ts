import { defineRule } from '../../engine/rule';
import type { KubeObject, KubernetesModel } from '../../model/kubernetes';
import { catalogueQuery } from '../../workspace/catalogue';
import { workloadRefs } from '../../workspace/links';

type RefType = 'secret' | 'configmap';
interface Provided { name: string; namespace?: string }

/** Objects that end up as a Secret / ConfigMap of a known name (operators included). */
function provides(obj: KubeObject): { type: RefType; name?: string }[] {
  const spec = obj.raw.get('spec');
  const str = (v: string | undefined) => (v && !v.includes('\uE000') ? v : undefined);
  switch (obj.kind) {
    case 'Secret': return [{ type: 'secret', name: str(obj.name) }];
    case 'ConfigMap': return [{ type: 'configmap', name: str(obj.name) }];
    case 'SealedSecret': return [{ type: 'secret', name: str(spec?.get('template')?.get('metadata')?.get('name')?.str()?.value ?? obj.name) }];
    case 'ExternalSecret': return [{ type: 'secret', name: str(spec?.get('target')?.get('name')?.str()?.value ?? obj.name) }];
    case 'Certificate': return [{ type: 'secret', name: str(spec?.get('secretName')?.str()?.value) }];
    case 'SecretProviderClass': return (spec?.get('secretObjects')?.items() ?? []).map((s) => ({ type: 'secret' as const, name: str(s.get('secretName')?.str()?.value) }));
    case 'Kustomization': return [
      ...(obj.raw.get('secretGenerator')?.items() ?? []).map((g) => ({ type: 'secret' as const, name: str(g.get('name')?.str()?.value) })),
      ...(obj.raw.get('configMapGenerator')?.items() ?? []).map((g) => ({ type: 'configmap' as const, name: str(g.get('name')?.str()?.value) })),
    ];
    default: return [];
  }
}

const LABEL: Record<RefType, string> = { secret: 'Secret', configmap: 'ConfigMap' };

export default defineRule({
  id: 'dangling-config-reference',
  title: 'Workload reads a Secret or ConfigMap the workspace does not define',
  category: 'config',
  principle: 'config',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A pod that reads a missing Secret or ConfigMap through `secretKeyRef`, `configMapKeyRef`, `envFrom` or a volume does not start: it stays in `CreateContainerConfigError` (or `ContainerCreating` for volumes) until the object appears. When a repository defines its ConfigMaps and Secrets next to the workloads, a reference that matches none of them is almost always a typo or a rename that was only done on one side, and it is only noticed at deploy time.',
    bad: { lang: 'yaml', code: 'kind: ConfigMap\nmetadata:\n  name: shop-config\n---\nkind: Deployment\n# ...\n          env:\n            - name: REDIS_URL\n              valueFrom:\n                configMapKeyRef:\n                  name: shop-confg   # typo\n                  key: redis-url' },
    good: { lang: 'yaml', code: '          env:\n            - name: REDIS_URL\n              valueFrom:\n                configMapKeyRef:\n                  name: shop-config\n                  key: redis-url' },
    notes: 'References are resolved against every manifest in the workspace (in the editor and `seaworthy report`; a lone file is checked against itself), by name and, when both sides give one, namespace. Objects that produce a Secret count: SealedSecret, ExternalSecret, cert-manager Certificate, SecretProviderClass `secretObjects`, and kustomize `secretGenerator`/`configMapGenerator`. Only judged when the folder of the referencing file (with its subfolders) defines at least one object of that kind: otherwise they are evidently created outside the repository (`kubectl create secret`, CI). Not reported: `optional: true` references, names from variables or templates, Helm templates, and `imagePullSecrets`.',
  },
  check: {
    kubernetes(model, ctx) {
      // Names resolve across the whole workspace; but only a folder that defines objects of a kind
      // (the referencing file's, recursively) shows that the project manages that kind in the repository.
      const workspace = ctx.modelOf(catalogueQuery(ctx.path), 'kubernetes') as KubernetesModel | undefined;
      const folder = ctx.modelOf('.', 'kubernetes') as KubernetesModel | undefined;
      const provided: Record<RefType, Provided[]> = { secret: [], configmap: [] };
      const unknownNames: Record<RefType, boolean> = { secret: false, configmap: false };
      const managedHere: Record<RefType, boolean> = { secret: false, configmap: false };
      for (const obj of [...(workspace?.objects ?? []), ...model.objects]) {
        for (const p of provides(obj)) {
          if (p.name) provided[p.type].push({ name: p.name, namespace: obj.namespace });
          else unknownNames[p.type] = true;
        }
      }
      for (const obj of [...(folder?.objects ?? []), ...model.objects]) for (const p of provides(obj)) managedHere[p.type] = true;
      for (const obj of model.objects) {
        if (obj.templated || model.helm) continue;
        for (const ref of workloadRefs(obj)) {
          const have = provided[ref.type];
          if (ref.optional || unknownNames[ref.type] || !managedHere[ref.type]) continue;
          if (have.some((p) => p.name === ref.name && (!p.namespace || !obj.namespace || p.namespace === obj.namespace))) continue;
          const names = [...new Set(have.map((p) => p.name))].sort();
          const shown = names.slice(0, 3).map((n) => `"${n}"`).join(', ') + (names.length > 3 ? `, … (${names.length})` : '');
          ctx.report({
            range: ref.range,
            message: `${obj.kind} "${obj.name ?? ''}" reads ${LABEL[ref.type]} "${ref.name}", which no manifest in the workspace defines (${LABEL[ref.type]}s here: ${shown}). The pod will not start until it exists: fix the name, add the ${LABEL[ref.type]}, or mark the reference \`optional: true\`.`,
          });
        }
      }
    },
  },
});
