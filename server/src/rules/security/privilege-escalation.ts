import { defineRule } from '../../engine/rule';
import { podsOf } from '../host-daemon/shared';

export default defineRule({
  id: 'privilege-escalation',
  title: 'Container may gain more privileges than it starts with',
  category: 'security',
  principle: 'security',
  severity: 'warning',
  set: 'strict',
  setReason: 'Hardening policy, reported for nearly every container of the precision sample (docs/precision.md).',
  fix: 'none',
  peers: { kics: ['privilege_escalation_allowed'], checkov: ['CKV_K8S_20'], kubeLinter: ['privilege-escalation-container'], polaris: ['privilegeEscalationAllowed'], trivy: ['KSV-0001'], kubeScore: ['container-security-context-privilege-escalation'] },
  docs: {
    why: 'Unless `allowPrivilegeEscalation: false` is set, a process in the container can gain privileges through setuid binaries or file capabilities (the kernel\'s `no_new_privs` flag is off). Production containers never need that, and Pod Security "restricted" requires it to be off.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    securityContext:\n      allowPrivilegeEscalation: true' },
    good: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    securityContext:\n      allowPrivilegeEscalation: false' },
    notes: 'An explicit `allowPrivilegeEscalation: true` is a warning; leaving it unset is reported as info (the default is to allow). Templated objects are not judged for missing keys.',
  },
  check: {
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        for (const c of pod.containers) {
          const e = c.raw.get('securityContext')?.entry('allowPrivilegeEscalation');
          const v = e?.value.bool()?.value;
          if (v === true) ctx.report({ range: e!.range, message: `Container "${c.name}" explicitly allows privilege escalation. Set allowPrivilegeEscalation: false.` });
          else if (!e && !pod.obj.templated && !c.init) {
            ctx.report({ range: c.nameRange, severity: 'info', message: `Container "${c.name}" does not set allowPrivilegeEscalation: false, so setuid binaries can raise its privileges.` });
          }
        }
      }
    },
  },
});
