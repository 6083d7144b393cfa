import { defineRule, Fix } from '../../engine/rule';
import type { SourceText } from '../../model/range';
import type { YEntry } from '../../parse/yaml-view';
import { appendToMap } from '../backing-services/yaml-edit';
import { podsOf } from '../host-daemon/shared';
import { limitRangeDefaults, resourcesOf } from './kube-resources';

/** Volume names and mount paths of data that accumulates (databases, caches, uploads, logs, queues). */
const GROWS = /(?:^|[-_/.])(?:data|storage|cache|caches|uploads?|logs?|spool|queue|buffers?|scratch|db|database|media|files|index|indices|downloads?|backups?|dumps?)(?:$|[-_/.])/i;

/** `emptyDir: {}` becomes `emptyDir: { sizeLimit: 1Gi }`; a block mapping gets a `sizeLimit` line. */
function sizeLimitFix(src: SourceText, entry: YEntry, volume: string): Fix | undefined {
  const title = `Add sizeLimit: 1Gi to emptyDir "${volume}"`;
  const v = entry.value;
  if (v.isMap && !v.entries().length && src.slice(v.range).replace(/\s/g, '') === '{}') {
    return { title, safety: 'unsafe', edits: [{ range: v.range, newText: '{ sizeLimit: 1Gi }' }] };
  }
  const edit = v.isMap ? appendToMap(src, v, ['sizeLimit: 1Gi']) : undefined;
  return edit && { title, safety: 'unsafe', edits: [edit] };
}

export default defineRule({
  id: 'unbounded-ephemeral-storage',
  title: 'emptyDir without a size limit',
  category: 'resources',
  principle: 'resource-planning',
  severity: 'info',
  set: 'strict',
  setReason: 'Capacity policy (docs/precision.md).',
  fix: 'unsafe',
  crossDocument: ['LimitRange', 'Service'],
  peers: { kubeScore: ['container-ephemeral-storage-request-and-limit'] },
  docs: {
    why: 'An `emptyDir` on disk lives in the node\'s kubelet directory, shared with every other pod\'s scratch space, logs and images. Without `sizeLimit` (or an `ephemeral-storage` limit on the containers writing to it) a cache or upload directory that grows without bound fills the node\'s disk; the kubelet then reports DiskPressure and evicts pods of every workload on that node, not just this one.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: api\n    volumeMounts:\n      - name: cache\n        mountPath: /app/cache\nvolumes:\n  - name: cache\n    emptyDir: {}' },
    good: { lang: 'yaml', code: 'containers:\n  - name: api\n    volumeMounts:\n      - name: cache\n        mountPath: /app/cache\nvolumes:\n  - name: cache\n    emptyDir:\n      sizeLimit: 1Gi' },
    notes: 'Kubernetes only. Flags disk-backed `emptyDir` volumes without `sizeLimit` that some container mounts writable, when none of those containers has `resources.limits.ephemeral-storage` and no LimitRange in the same file and namespace gives one by default. Only volumes whose name or mount path says the data accumulates (data, storage, cache, uploads, logs, spool, queue, db, media, backups, ...); certificates, configuration, sockets and `/tmp` stay small in practice. Not flagged: `medium: Memory` (it counts against the memory limit), read-only mounts, volumes nobody mounts, templated (Helm) objects. The quick fix adds `sizeLimit: 1Gi`; it is unsafe because a pod whose volume outgrows the limit is evicted.',
  },
  check: {
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        if (pod.obj.templated) continue;
        const defaults = limitRangeDefaults(model, pod.obj.namespace);
        if (defaults.limits.has('ephemeral-storage')) continue;
        for (const vol of pod.spec.get('volumes')?.items() ?? []) {
          const e = vol.entry('emptyDir');
          const name = vol.get('name')?.str()?.value;
          if (!e || !name) continue;
          if (e.value.has('sizeLimit') || e.value.get('medium')?.str()?.value === 'Memory') continue;
          const mounts = pod.containers.map((c) => ({ c, paths: (c.raw.get('volumeMounts')?.items() ?? [])
            .filter((m) => m.get('name')?.str()?.value === name && m.get('readOnly')?.bool()?.value !== true)
            .map((m) => m.get('mountPath')?.str()?.value ?? '') })).filter((x) => x.paths.length);
          const writers = mounts.map((x) => x.c);
          if (!writers.length || writers.some((c) => resourcesOf(c.raw).limit('ephemeral-storage'))) continue;
          // Certificates, config and sockets stay small: only data that accumulates is worth a limit.
          if (![name, ...mounts.flatMap((x) => x.paths)].some((t) => GROWS.test(t))) continue;
          const who = writers.map((c) => `"${c.name}"`).join(', ');
          ctx.report({
            range: e.keyRange,
            message: `emptyDir volume "${name}" has no sizeLimit and ${writers.length > 1 ? 'the containers' : 'container'} ${who} writing to it ${writers.length > 1 ? 'have' : 'has'} no ephemeral-storage limit: if it grows without bound it fills the node's disk, and the kubelet then evicts pods of every workload on that node. Add \`sizeLimit\` (or \`resources.limits.ephemeral-storage\`).`,
            fix: () => sizeLimitFix(model.source, e, name),
          });
        }
      }
    },
  },
});
