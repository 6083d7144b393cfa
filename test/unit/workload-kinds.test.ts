/**
 * Every rule that reads pod specs sees the same hazard in every workload kind (issue #14 item 6): the
 * pod template is read once in the Kubernetes model (parse/workload-kinds.ts), so a rule that lists
 * kinds of its own, or a new rule that forgets one, fails here. Where a rule does not apply to a kind
 * (replicas of a Job, the rollout strategy of a CronJob) the table says why, its docs say so too, and
 * the test asserts that the rule stays quiet there.
 */
import * as assert from 'assert';
import * as path from 'path';
import { allRules } from '../../server/src/rules';
import { parseKubernetes } from '../../server/src/parse/kubernetes';
import { analyze } from './helpers';
import { defaultConfig } from '../../server/src/engine/config';

const KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'DeploymentConfig', 'Rollout', 'Rollout+workloadRef', 'Pod'] as const;
type Kind = (typeof KINDS)[number];

interface Hazard {
  /** The pod spec (YAML at column 0). */
  pod: string;
  /** `spec` keys of the workload beside the template (YAML at column 0), per kind. */
  spec?: (kind: Kind) => string;
  /** Other documents of the file. */
  docs?: string;
  replicas?: number;
  /** A policy the rule needs (`requireDigests`). */
  settings?: { requireDigests?: boolean };
  /** Kinds the rule does not apply to, with the reason its docs give. */
  notFor?: Partial<Record<Kind, string>>;
}

const ENDS = 'pods that run to completion: long-running concerns do not apply';
const JOBS = { Job: ENDS, CronJob: ENDS };
const NO_ROLLOUT = { StatefulSet: 'replaces one pod at a time', DaemonSet: 'replaces one pod at a time', ...JOBS, Pod: 'is not rolled out' };
const NOT_REPLICAS = { StatefulSet: 'ordinal replicas with their own claims', DaemonSet: 'one pod per node', ...JOBS, Pod: 'one pod' };
const app = (extra: string) => `containers:\n  - name: app\n    image: shop/app:1.4.2\n${extra.replace(/^/gm, '    ')}`;

const HAZARDS: Record<string, Hazard> = {
  'added-capabilities': { pod: app('securityContext:\n  capabilities:\n    add: [SYS_ADMIN]') },
  'build-at-start': { pod: app('command: ["sh", "-c", "npm run build && node server.js"]'), notFor: JOBS },
  'code-fetched-at-build': { pod: app('command: ["sh", "-c", "git clone https://github.com/acme/app.git /src && node /src/server.js"]') },
  'curl-pipe-shell': { pod: app('command: ["sh", "-c", "curl -fsSL https://get.acme.dev/install.sh | sh && exec node server.js"]') },
  'dangling-config-reference': { pod: app('envFrom:\n  - configMapRef:\n      name: shop-confg'), docs: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-config\ndata:\n  a: b' },
  'database-auth-disabled': { pod: 'containers:\n  - name: db\n    image: postgres:16.4\n    env:\n      - name: POSTGRES_HOST_AUTH_METHOD\n        value: trust' },
  'database-without-volume': { pod: 'containers:\n  - name: db\n    image: postgres:16.4', notFor: JOBS },
  'datastore-on-host-path': { pod: 'containers:\n  - name: db\n    image: postgres:16.4\n    volumeMounts:\n      - name: data\n        mountPath: /var/lib/postgresql/data\nvolumes:\n  - name: data\n    hostPath:\n      path: /srv/pg', notFor: JOBS },
  'dev-mode-in-image': { pod: app('env:\n  - name: NODE_ENV\n    value: development') },
  'file-based-state': { pod: app('workingDir: /app\nenv:\n  - name: DATABASE_URL\n    value: sqlite:///db.sqlite3'), notFor: JOBS },
  'hardcoded-secret': { pod: app('env:\n  - name: DB_PASSWORD\n    value: Zq8vT3mWp9xK2rLs'), },
  'heap-not-tied-to-limit': { pod: 'containers:\n  - name: api\n    image: eclipse-temurin:21-jre\n    env:\n      - name: JAVA_OPTS\n        value: "-Xmx1g"\n    resources:\n      limits:\n        memory: 1Gi' },
  'host-daemon-address': { pod: app('env:\n  - name: DB_HOST\n    value: host.docker.internal') },
  'host-namespace': { pod: `hostPID: true\n${app('')}` },
  'host-port': { pod: app('ports:\n  - containerPort: 8080\n    hostPort: 8080') },
  'host-socket-mount': { pod: `${app('volumeMounts:\n  - name: docker\n    mountPath: /var/run/docker.sock')}\nvolumes:\n  - name: docker\n    hostPath:\n      path: /var/run/docker.sock` },
  'identical-probes': { pod: app('readinessProbe:\n  httpGet: {path: /health, port: 8080}\nlivenessProbe:\n  httpGet: {path: /health, port: 8080}'), notFor: JOBS },
  'in-memory-sessions': { pod: app('env:\n  - name: SESSION_DRIVER\n    value: memory') },
  'insecure-download': { pod: app('command: ["sh", "-c", "curl -k -o /tmp/a.tgz https://get.acme.dev/a.tgz && exec node server.js"]') },
  'invalid-port': { pod: app('ports:\n  - containerPort: 80800') },
  'log-to-file': { pod: app('env:\n  - name: ERROR_LOG\n    value: /app/logs/error.log') },
  'missing-disruption-budget': { pod: app(''), replicas: 3, notFor: { DaemonSet: 'one pod per node: a drain evicts one', ...JOBS, Pod: 'one pod, no replicas' } },
  'missing-probes': { pod: app('ports:\n  - containerPort: 8080'), notFor: JOBS },
  'missing-resource-limits': { pod: app('') },
  'missing-resource-requests': { pod: app('') },
  'missing-startup-probe': { pod: 'containers:\n  - name: search\n    image: docker.elastic.co/elasticsearch/elasticsearch:8.13.4\n    livenessProbe:\n      tcpSocket: {port: 9200}\n      initialDelaySeconds: 20' , notFor: JOBS },
  'mutable-image-tag': { pod: 'containers:\n  - name: db\n    image: postgres:16.2', settings: { requireDigests: true } },
  'privilege-escalation': { pod: app('securityContext:\n  allowPrivilegeEscalation: true') },
  'privileged-container': { pod: app('securityContext:\n  privileged: true') },
  'process-supervisor': { pod: app('command: ["supervisord", "-n"]') },
  'pull-policy-mismatch': { pod: 'containers:\n  - name: app\n    image: shop/app:latest\n    imagePullPolicy: IfNotPresent' },
  'rollback-history-disabled': { pod: app(''), spec: () => 'revisionHistoryLimit: 0', notFor: { Job: 'keeps no revisions', CronJob: 'keeps no revisions', Pod: 'keeps no revisions' } },
  'runs-as-root': { pod: app('securityContext:\n  runAsUser: 0') },
  'runtime-install': { pod: app('command: ["sh", "-c", "npm install && node server.js"]'), notFor: JOBS },
  'rwo-volume-shared': {
    pod: `${app('volumeMounts:\n  - name: uploads\n    mountPath: /uploads')}\nvolumes:\n  - name: uploads\n    persistentVolumeClaim:\n      claimName: uploads`,
    docs: 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: uploads\nspec:\n  accessModes: [ReadWriteOnce]',
    replicas: 3, notFor: { StatefulSet: 'its pods get a claim each from volumeClaimTemplates', ...JOBS, Pod: 'one pod' },
  },
  'secret-in-command': { pod: app('args: ["--db-password=Zq8vT3mWp9xK2rLs"]') },
  'sensitive-host-mount': { pod: `${app('volumeMounts:\n  - name: etc\n    mountPath: /host/etc')}\nvolumes:\n  - name: etc\n    hostPath:\n      path: /etc` },
  'single-replica': { pod: app('ports:\n  - containerPort: 8080'), replicas: 1, notFor: NOT_REPLICAS },
  'slow-shutdown-without-grace': { pod: 'containers:\n  - name: postgres\n    image: postgres:16.2', notFor: JOBS },
  'ssh-server': { pod: app('command: ["/usr/sbin/sshd", "-D"]') },
  'unbounded-ephemeral-storage': { pod: `${app('volumeMounts:\n  - name: cache\n    mountPath: /app/cache')}\nvolumes:\n  - name: cache\n    emptyDir: {}` },
  'unpinned-image': { pod: 'containers:\n  - name: app\n    image: shop/app' },
  'unsafe-rollout-strategy': {
    pod: app(''), replicas: 3,
    spec: (k) => k.startsWith('Rollout') ? 'strategy:\n  canary:\n    maxUnavailable: 100%' : 'strategy:\n  type: Recreate',
    notFor: NO_ROLLOUT,
  },
  'writable-root-filesystem': { pod: app('securityContext:\n  readOnlyRootFilesystem: false') },
};

/** Kubernetes rules that read no pod spec (the objects they judge are not workloads). */
const NOT_POD_RULES: Record<string, string> = {
  'committed-secret-manifest': 'Secret and kubeconfig documents',
  'secret-in-configmap': 'ConfigMap data',
  'reclaim-policy-delete': 'PersistentVolumes and StorageClasses',
  'no-backup': 'CloudNativePG Clusters (plain StatefulSets are not judged)',
};

/** Every rule runs (`strict`), with the hazard's policy. */
function strict(h: Hazard) {
  const config = defaultConfig();
  return { ...config, ruleSet: 'strict' as const, settings: { ...config.settings, ...h.settings } };
}

const indent = (text: string, n: number) => text.replace(/^(?=.)/gm, ' '.repeat(n));
const template = (pod: string, n: number) => `${indent('template:\n  metadata:\n    labels:\n      app: app\n  spec:', n)}\n${indent(pod, n + 4)}`;

/** One document of `kind` running `pod` (and, for a Rollout with a workloadRef, the Deployment it runs). */
function manifest(kind: Kind, h: Hazard): string {
  const replicas = `replicas: ${h.replicas ?? 2}`;
  const spec = h.spec?.(kind) ?? '';
  const head = (api: string, k: string) => `apiVersion: ${api}\nkind: ${k}\nmetadata:\n  name: app\n  labels:\n    app: app\nspec:\n`;
  const selector = 'selector:\n  matchLabels:\n    app: app';
  const body = (lines: string[]) => lines.filter(Boolean).map((l) => indent(l, 2)).join('\n');
  let doc: string;
  switch (kind) {
    case 'Pod': doc = head('v1', 'Pod') + indent(h.pod, 2); break;
    case 'Job': doc = `${head('batch/v1', 'Job')}${template(h.pod, 2)}`; break;
    case 'CronJob': doc = `${head('batch/v1', 'CronJob')}  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:\n${template(h.pod, 6)}`; break;
    case 'DaemonSet': doc = `${head('apps/v1', kind)}${body([selector, spec])}\n${template(h.pod, 2)}`; break;
    case 'StatefulSet': doc = `${head('apps/v1', kind)}${body(['serviceName: app', replicas, selector, spec])}\n${template(h.pod, 2)}`; break;
    case 'DeploymentConfig': doc = `${head('apps.openshift.io/v1', kind)}${body([replicas, 'selector:\n  app: app', spec])}\n${template(h.pod, 2)}`; break;
    case 'Rollout': doc = `${head('argoproj.io/v1alpha1', kind)}${body([replicas, selector, spec || 'strategy:\n  blueGreen:\n    activeService: app'])}\n${template(h.pod, 2)}`; break;
    case 'Rollout+workloadRef':
      doc = `${head('argoproj.io/v1alpha1', 'Rollout')}${body([replicas, selector, 'workloadRef:\n  apiVersion: apps/v1\n  kind: Deployment\n  name: app-template', spec || 'strategy:\n  blueGreen:\n    activeService: app'])}\n---\n`
        + `${head('apps/v1', 'Deployment').replace('name: app\n', 'name: app-template\n')}${body(['replicas: 0', selector])}\n${template(h.pod, 2)}`;
      break;
    default: doc = `${head('apps/v1', kind)}${body([replicas, selector, spec])}\n${template(h.pod, 2)}`;
  }
  return h.docs ? `${doc}\n---\n${h.docs}\n` : `${doc}\n`;
}

describe('workload kinds: every rule that reads pod specs reads every kind', () => {
  const kubeRules = allRules.filter((r) => r.check.kubernetes).map((r) => r.id).sort();

  it('every Kubernetes rule is in the table (a hazard per kind) or listed as reading no pod spec', () => {
    const listed = new Set([...Object.keys(HAZARDS), ...Object.keys(NOT_POD_RULES)]);
    assert.deepStrictEqual(kubeRules.filter((id) => !listed.has(id)), [], 'add the new rule to HAZARDS with a hazard in a pod spec');
    assert.deepStrictEqual([...listed].filter((id) => !kubeRules.includes(id)), [], 'the table names no rule that is gone');
  });

  it('the model reads the pod template of every kind, with its facts', () => {
    const facts = KINDS.map((k) => {
      const model = parseKubernetes('k8s.yaml', manifest(k, { pod: app('') }));
      const o = model.objects.find((x) => x.workload)!;
      return `${k}:${o.kind}:${o.workload!.pods}:${o.workload!.replicas?.value ?? '-'}:${o.workload!.strategy?.type ?? '-'}:${o.workload!.podLabels.get('app')}:${o.workload!.podSpec.containers[0].name}`;
    });
    assert.deepStrictEqual(facts, [
      'Deployment:Deployment:replicas:2:-:app:app',
      'StatefulSet:StatefulSet:ordinal:2:-:app:app',
      'DaemonSet:DaemonSet:per-node:-:-:app:app',
      'Job:Job:to-completion:-:-:app:app',
      'CronJob:CronJob:to-completion:-:-:app:app',
      'DeploymentConfig:DeploymentConfig:replicas:2:-:app:app',
      'Rollout:Rollout:replicas:2:BlueGreen:app:app',
      // The Rollout runs the Deployment's template: its replicas and strategy, not the Deployment's `replicas: 0`.
      'Rollout+workloadRef:Deployment:replicas:2:BlueGreen:app:app',
      'Pod:Pod:one:-:-:app:app',
    ]);
  });

  for (const id of Object.keys(HAZARDS).sort()) {
    const h = HAZARDS[id];
    it(`${id}: the same hazard is found in every kind it applies to`, async () => {
      const got: string[] = [], want: string[] = [];
      for (const kind of KINDS) {
        // A path named for nothing: fixtures under test/ read as a development folder.
        const r = await analyze(path.join(path.sep, 'srv', 'shop', 'deploy', 'app.yaml'), manifest(kind, h), strict(h));
        const n = r.findings.filter((f) => f.ruleId === id).length;
        const skipped = h.notFor?.[kind];
        got.push(`${kind}:${n > 0 ? 'found' : 'quiet'}`);
        want.push(`${kind}:${skipped ? 'quiet' : 'found'}`);
      }
      assert.deepStrictEqual(got, want);
    });
  }

  it('a kind a rule skips is explained in its docs', () => {
    for (const [id, h] of Object.entries(HAZARDS)) {
      const rule = allRules.find((r) => r.id === id)!;
      const text = `${rule.docs.why} ${rule.docs.notes ?? ''}`;
      for (const kind of Object.keys(h.notFor ?? {})) {
        const named = kind.startsWith('Rollout') ? 'Rollout' : kind === 'Pod' ? 'Pod' : kind;
        assert.match(text, new RegExp(`\\b${named}s?\\b`), `${id}: its docs say why ${kind} is not checked`);
      }
    }
  });
});

