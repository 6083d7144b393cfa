import { defineRule } from '../../engine/rule';
import type { KubernetesModel } from '../../model/kubernetes';
import { catalogueQuery } from '../../workspace/catalogue';
import { workloadRefs } from '../../workspace/links';
import { createdByInitContainer, provides, RefType } from '../../knowledge/config-objects';

interface Provided { name: string; namespace?: string }
interface Definitions { provided: Record<RefType, Provided[]>; unknownNames: Record<RefType, boolean> }

/** Per model: the workspace catalogue is one model shared by every file's analysis, read once. */
const DEFINITIONS = new WeakMap<KubernetesModel, Definitions>();

function definitionsOf(model: KubernetesModel | undefined): Definitions {
  const empty: Definitions = { provided: { secret: [], configmap: [] }, unknownNames: { secret: false, configmap: false } };
  if (!model) return empty;
  let d = DEFINITIONS.get(model);
  if (!d) {
    d = empty;
    for (const obj of model.objects) {
      for (const p of provides(obj)) {
        if (p.name) d.provided[p.type].push({ name: p.name, namespace: obj.namespace });
        else d.unknownNames[p.type] = true;
      }
    }
    DEFINITIONS.set(model, d);
  }
  return d;
}

const LABEL: Record<RefType, string> = { secret: 'Secret', configmap: 'ConfigMap' };

export default defineRule({
  id: 'dangling-config-reference',
  title: 'Workload reads a Secret or ConfigMap the workspace does not define',
  category: 'config',
  principle: 'config',
  severity: 'warning',
  fix: 'none',
  crossDocument: true,
  peers: {},
  docs: {
    why: 'A pod that reads a missing Secret or ConfigMap through `secretKeyRef`, `configMapKeyRef`, `envFrom` or a volume does not start: it stays in `CreateContainerConfigError` (or `ContainerCreating` for volumes) until the object appears. When a repository defines its ConfigMaps and Secrets next to the workloads, a reference that matches none of them is almost always a typo or a rename that was only done on one side, and it is only noticed at deploy time.',
    bad: { lang: 'yaml', code: 'kind: ConfigMap\nmetadata:\n  name: shop-config\n---\nkind: Deployment\n# ...\n          env:\n            - name: REDIS_URL\n              valueFrom:\n                configMapKeyRef:\n                  name: shop-confg   # typo\n                  key: redis-url' },
    good: { lang: 'yaml', code: '          env:\n            - name: REDIS_URL\n              valueFrom:\n                configMapKeyRef:\n                  name: shop-config\n                  key: redis-url' },
    notes: 'References are resolved against every manifest of the scan (`seaworthy check`, `fix` and `report` over the files they are given, so a lone file is checked against itself) and, in the editor, of the workspace: every manifest once the Production Readiness Report has indexed it, before that the manifests that define Secrets or ConfigMaps (files changed outside the editor are re-read within 10 seconds), by name and, when both sides give one, namespace. Objects that produce a Secret count: SealedSecret, ExternalSecret, cert-manager Certificate, SecretProviderClass `secretObjects`, and kustomize `secretGenerator`/`configMapGenerator`. Only judged when the folder of the referencing file (with its subfolders) defines at least one object of that kind: otherwise they are evidently created outside the repository (`kubectl create secret`, CI). Not reported: `optional: true` references, objects one of the workload\'s own init containers creates (its command, arguments or environment name the object and say Secret or ConfigMap), names from variables or templates, Helm templates, and `imagePullSecrets`.',
  },
  check: {
    kubernetes(model, ctx) {
      // Names resolve across the whole workspace; but only a folder that defines objects of a kind
      // (the referencing file's, recursively) shows that the project manages that kind in the repository.
      const workspace = ctx.modelOf(catalogueQuery(ctx.path), 'kubernetes') as KubernetesModel | undefined;
      // Without the other manifests (a host with no catalogue, such as `seaworthy fix`'s), a name this
      // file does not define may well be defined elsewhere: say nothing rather than guess.
      if (!workspace) return;
      const folder = ctx.modelOf('.', 'kubernetes') as KubernetesModel | undefined;
      const defs = [workspace, model].map(definitionsOf);
      const here = [folder, model].map(definitionsOf);
      const provided = (t: RefType) => defs.flatMap((d) => d.provided[t]);
      const unknownNames = (t: RefType) => defs.some((d) => d.unknownNames[t]);
      // A kind is managed in the repository when the folder defines any object of it, named or not.
      const managedHere = (t: RefType) => here.some((d) => d.provided[t].length > 0 || d.unknownNames[t]);
      for (const obj of model.objects) {
        if (obj.templated || model.helm) continue;
        for (const ref of workloadRefs(obj)) {
          if (ref.optional || unknownNames(ref.type) || !managedHere(ref.type)) continue;
          const have = provided(ref.type);
          if (have.some((p) => p.name === ref.name && (!p.namespace || !obj.namespace || p.namespace === obj.namespace))) continue;
          if (createdByInitContainer(obj, ref.type, ref.name)) continue;
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
