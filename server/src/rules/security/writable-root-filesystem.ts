import { defineRule } from '../../engine/rule';
import { podsOf } from '../host-daemon/shared';

export default defineRule({
  id: 'writable-root-filesystem',
  title: 'Container root filesystem is writable',
  category: 'security',
  principle: 'security',
  severity: 'info',
  set: 'strict',
  setReason: 'Hardening policy: a read-only root filesystem needs per-image knowledge of where the app writes (docs/precision.md).',
  fix: 'none',
  peers: { kics: ['root_container_not_mounted_as_read_only'], checkov: ['CKV_K8S_22'], kubeLinter: ['no-read-only-root-fs'], polaris: ['notReadOnlyRootFilesystem'], trivy: ['KSV-0014'], kubeScore: ['container-security-context-readonlyrootfilesystem'] },
  docs: {
    why: 'With a writable root filesystem an attacker can drop tools and modify the application in a running container, and the app can quietly keep state in its image layers. `readOnlyRootFilesystem: true` with explicit `emptyDir` mounts for the few paths that must be written (`/tmp`, caches) makes both impossible and documents where the container writes.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2' },
    good: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    securityContext:\n      readOnlyRootFilesystem: true\n    volumeMounts:\n      - name: tmp\n        mountPath: /tmp' },
    notes: 'Reported at info level: it is a hardening step, not a defect. Compose files are not checked (`read_only: true` is rare there and local development needs writes).',
  },
  check: {
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        for (const c of pod.containers) {
          if (c.init || pod.obj.templated) continue;
          const e = c.raw.get('securityContext')?.entry('readOnlyRootFilesystem');
          const v = e?.value.bool()?.value;
          if (v === true || (e && e.value.str()?.dynamic)) continue;
          ctx.report({ range: e ? e.range : c.nameRange, message: `Container "${c.name}" can write to its root filesystem. Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where it must write.` });
        }
      }
    },
  },
});
