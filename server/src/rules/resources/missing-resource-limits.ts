import { defineRule, Fix, RuleContext } from '../../engine/rule';
import { projectObjects } from '../../workspace/project';
import type { ComposeModel, ComposeService } from '../../model/compose';
import type { KubernetesModel } from '../../model/kubernetes';
import { dockerBytes, limitForHeap } from '../../knowledge/quantities';
import { appendToMap, stepBelow } from '../backing-services/yaml-edit';
import { composeOneShot } from '../backing-services/service-facts';
import { composeMemoryLimit, composePidsLimit, describeWorkload, judgedContainers, missingAnchor, resourcesFix } from './kube-resources';

function checkKubernetes(model: KubernetesModel, ctx: RuleContext): void {
  for (const jc of judgedContainers(model, projectObjects(model, ctx))) {
    const { pod, container: c, res, defaults } = jc;
    if (pod.obj.name && ctx.settings.oneShot.includes(pod.obj.name)) continue;
    if (res.limit('memory') || defaults.limits.has('memory')) continue;
    ctx.report({
      range: missingAnchor(jc, 'limits'),
      message: `Container "${c.name}" in ${describeWorkload(pod.obj)} has no memory limit: a leak or a traffic spike lets it take memory from every other pod on the node until the kernel's OOM killer or the kubelet's eviction picks victims. Set \`resources.limits.memory\` (a little above what it uses under load).`,
      fix: () => res.resources
        ? resourcesFix(model.source, jc, { limits: ['memory'], requests: [] }, `Add a memory limit to "${c.name}"`)
        : resourcesFix(model.source, jc, { limits: ['memory'], requests: ['cpu', 'memory'] }, `Add resource requests and a memory limit to "${c.name}"`),
    });
  }
}

/**
 * Adds `deploy.resources.limits.memory`, or `mem_limit` beside the legacy `cpus`/`mem_reservation` keys;
 * and the process limit beside it when the service has none (one finding, one fix for both).
 */
function composeFix(model: ComposeModel, s: ComposeService): Fix | undefined {
  const withPids = !composePidsLimit(s);
  const title = withPids ? `Add a memory limit and a process limit to "${s.name}"` : `Add a memory limit to "${s.name}"`;
  const deploy = s.raw.get('deploy');
  const resources = deploy?.get('resources');
  const limits = resources?.get('limits');
  // A heap already fixed in the service's options must fit inside the new limit.
  // Nor may it be below the memory reservation: Docker refuses to create the container then.
  const reserved = [resources?.get('reservations')?.get('memory'), s.raw.get('mem_reservation')]
    .map((v) => { const t = v?.str()?.value; return t === undefined ? undefined : dockerBytes(t); })
    .reduce<number>((a, b) => Math.max(a, b ?? 0), 0);
  const mib = Math.ceil(limitForHeap([...s.environment.map((e) => e.value ?? ''), ...(s.command?.words ?? []).map((w) => w.value)], Math.max(512 * 2 ** 20, reserved)) / 2 ** 20);
  // Nested keys indented with the service's own step (4-space files get 4).
  const st = ' '.repeat(stepBelow(model.source, s.keyRange.start.character, s.raw));
  const limitLines = (indent: string) => [`${indent}memory: ${mib}M`, ...(withPids ? [`${indent}pids: ${PIDS}`] : [])];
  let edit;
  if (limits) edit = appendToMap(model.source, limits, limitLines(''));
  else if (resources) edit = appendToMap(model.source, resources, ['limits:', ...limitLines(st)]);
  else if (s.raw.has('cpus') || s.raw.has('mem_reservation') || s.raw.has('memswap_limit')) edit = appendToMap(model.source, s.raw, [`mem_limit: ${mib}m`, ...(withPids ? [`pids_limit: ${PIDS}`] : [])]);
  else if (deploy) edit = appendToMap(model.source, deploy, ['resources:', `${st}limits:`, ...limitLines(st + st)]);
  else edit = appendToMap(model.source, s.raw, ['deploy:', `${st}resources:`, `${st}${st}limits:`, ...limitLines(st + st + st)]);
  return edit && { title, safety: 'unsafe', edits: [edit] };
}

/** The process limit the fix proposes (as missing-pids-limit's fix does). */
const PIDS = 512;

function checkCompose(model: ComposeModel, ctx: RuleContext): void {
  if (model.templated) return;
  for (const s of model.services) {
    // `extends` may bring the limit from another file.
    if (composeMemoryLimit(s) || s.raw.has('extends') || composeOneShot(model, s, ctx)) continue;
    const limits = s.raw.get('deploy')?.get('resources')?.entry('limits');
    const noPids = !composePidsLimit(s);
    ctx.report({
      range: limits?.keyRange ?? s.keyRange,
      message: noPids
        ? `Service "${s.name}" has no memory limit and no process limit: a leak or a load spike can take all of the host's memory (the kernel's OOM killer then picks any process on the host, not necessarily this one), and a fork loop all of its process IDs. Set \`deploy.resources.limits.memory\` and \`pids\` (or \`mem_limit\` and \`pids_limit\`).`
        : `Service "${s.name}" has no memory limit: a leak or a load spike can take all of the host's memory, and the kernel's OOM killer then picks any process on the host, not necessarily this one. Set \`deploy.resources.limits.memory\` (or \`mem_limit\`).`,
      fix: () => composeFix(model, s),
    });
  }
}

export default defineRule({
  id: 'missing-resource-limits',
  title: 'Container without a memory limit',
  category: 'resources',
  principle: 'resource-planning',
  severity: 'info',
  fix: 'unsafe',
  crossDocument: ['LimitRange', 'Service'],
  peers: {
    kics: ['memory_limits_not_defined', 'memory_not_limited'], checkov: ['CKV_K8S_13'], kubeLinter: ['unset-memory-requirements'],
    polaris: ['memoryLimitsMissing'], trivy: ['KSV-0018'], kubeScore: ['container-resources'],
  },
  docs: {
    why: 'Without a memory limit a container may grow until the machine runs out: on a Kubernetes node the kubelet evicts pods and the kernel OOM-kills processes of *other* workloads; on a Docker host the OOM killer may pick the database next door or the Docker daemon itself. A limit turns a leak into a restart of the leaking container only, and tells the scheduler and the people on call what the service is expected to use.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2' },
    good: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    resources:\n      requests:\n        cpu: 250m\n        memory: 256Mi\n      limits:\n        memory: 512Mi' },
    notes: 'Only memory is required. CPU limits are deliberately not asked for: CPU is shared fairly without them (CFS shares follow the request in Kubernetes, equal weights in Docker), and a CPU limit throttles latency-sensitive services even on idle machines; ask for a CPU request instead (missing-resource-requests). Kubernetes: regular containers and native sidecars (init containers with `restartPolicy: Always`) of every pod template, Jobs included; ordinary init containers are not judged. A LimitRange of type Container with a `default.memory` for the same namespace in the file, its folder or its kustomization counts as a limit (one applied from elsewhere cannot be seen: suppress the finding or set the limit). Templated (Helm) objects are skipped, since `resources` usually comes from values. Compose: `deploy.resources.limits.memory` or `mem_limit`; a service that has no process limit either gets this one finding, whose fix adds `pids: 512` (or `pids_limit`) too, rather than a second one from missing-pids-limit; services using `extends` and one-shot services (migrations, seeders, tools profiles, `oneShot`) are skipped. Findings are `info` in both kinds: a limit is advice to size from measurements (its fix is unsafe for that reason), not a sign that something is wrong. The quick fix adds a skeleton (Kubernetes: requests 100m CPU / 256Mi and a 512Mi limit, or the existing memory request as the limit; Compose: 512M, raised to fit a heap set in the service\'s options and never below its memory reservation, which Docker would refuse); it is unsafe because a limit below the real peak usage gets the container OOM-killed: adjust the numbers to measurements.',
  },
  check: {
    kubernetes: checkKubernetes,
    compose: checkCompose,
  },
});
