import { defineRule } from '../../engine/rule';
import type { Located } from '../../model/common';
import { podsOf, strings } from '../host-daemon/shared';

/** Capabilities that amount to root on the host. */
const DANGEROUS = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'NET_ADMIN', 'BPF', 'PERFMON']);
/** Capabilities a plain service may reasonably need. */
const BENIGN = new Set(['NET_BIND_SERVICE', 'CHOWN', 'SETUID', 'SETGID', 'KILL', 'FOWNER', 'DAC_OVERRIDE']);

const norm = (c: string) => c.trim().toUpperCase().replace(/^CAP_/, '');

function judge(caps: Located[], owner: string, report: (r: { range: Located['range']; message: string; severity?: 'error' | 'warning' | 'info' }) => void): void {
  for (const cap of caps) {
    if (cap.dynamic) continue;
    const name = norm(cap.value);
    if (BENIGN.has(name)) continue;
    const dangerous = DANGEROUS.has(name);
    report({
      range: cap.range, severity: dangerous ? 'warning' : 'info',
      message: dangerous
        ? `${owner} adds capability ${name}, which gives near-root control of the host. Remove it, or isolate the workload that truly needs it.`
        : `${owner} adds capability ${name}. Keep added capabilities to the few the process needs and drop the rest (drop: [ALL]).`,
    });
  }
}

export default defineRule({
  id: 'added-capabilities',
  title: 'Container adds Linux capabilities',
  category: 'security',
  principle: 'security',
  severity: 'warning',
  fix: 'none',
  peers: {
    kics: ['containers_with_added_capabilities', 'containers_with_sys_admin_capabilities', 'psp_with_added_capabilities', 'container_capabilities_unrestricted'],
    checkov: ['CKV_K8S_25', 'CKV_K8S_39'], polaris: ['dangerousCapabilities', 'insecureCapabilities'], trivy: ['KSV-0005', 'KSV-0022'], kubeLinter: ['drop-net-raw-capability'],
  },
  docs: {
    why: 'Each Linux capability is a slice of root. `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE` or `ALL` let a compromised process reconfigure the host\'s network, inspect other processes or mount filesystems. A production service should drop everything and add back only what it needs, usually nothing or `NET_BIND_SERVICE`.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    cap_add:\n      - SYS_ADMIN' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    cap_drop:\n      - ALL\n    cap_add:\n      - NET_BIND_SERVICE' },
    notes: 'Capabilities that amount to root (`ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `NET_ADMIN`, `BPF`, `PERFMON`) are warnings; other unusual ones are info; common harmless ones (`NET_BIND_SERVICE`, `CHOWN`, `SETUID`, `SETGID`, `KILL`, …) are not reported. Checks Compose `cap_add`, Kubernetes `securityContext.capabilities.add` and PodSecurityPolicy `allowedCapabilities`/`defaultAddCapabilities`.',
  },
  check: {
    compose(model, ctx) {
      for (const s of model.services) judge(strings(s.raw.get('cap_add')), `Service "${s.name}"`, (r) => ctx.report(r));
    },
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        for (const c of pod.containers) judge(strings(c.raw.get('securityContext')?.get('capabilities')?.get('add')), `Container "${c.name}"`, (r) => ctx.report(r));
      }
      for (const obj of model.objects) {
        if (obj.kind !== 'PodSecurityPolicy') continue;
        for (const key of ['allowedCapabilities', 'defaultAddCapabilities']) {
          judge(strings(obj.raw.get('spec')?.get(key)), `PodSecurityPolicy "${obj.name ?? ''}"`, (r) => ctx.report(r));
        }
      }
    },
  },
});
