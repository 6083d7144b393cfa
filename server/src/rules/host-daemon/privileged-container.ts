import { defineRule, Fix } from '../../engine/rule';
import type { YEntry, YView } from '../../parse/yaml-view';
import { deleteLineFix, podsOf, rangeKey, setFalseFix, trueEntry } from './shared';

// test/cli/fix.test.ts pins this title.
const PRIVILEGED_TITLE = 'Remove `privileged: true`';
const HOST_PROCESS_TITLE = 'Remove `hostProcess: true` (the container no longer runs directly on the node)';

const WHY = 'it gets every capability and every host device, so a compromise of the app is root on the host, and it only works on hosts that allow it';

export default defineRule({
  id: 'privileged-container',
  title: 'Privileged container',
  category: 'host-daemon',
  principle: 'security',
  severity: 'error',
  fix: 'unsafe',
  peers: {
    kics: ['privileged_containers_enabled', 'container_is_privileged', 'psp_set_to_privileged'],
    checkov: ['CKV_K8S_16', 'CKV_K8S_2'], kubeLinter: ['privileged-container', 'scc-deny-privileged-container'],
    polaris: ['runAsPrivileged', 'hostProcess'], trivy: ['KSV-0017', 'KSV-0103'], kubeScore: ['container-security-context-privileged'],
  },
  docs: {
    why: 'A privileged container runs with all Linux capabilities, every host device and no seccomp/AppArmor confinement: escaping to the host is trivial, so one vulnerable dependency becomes root on the node. Such a service also needs a host and a cluster policy that allow privileged workloads, which managed platforms and Pod Security "baseline"/"restricted" namespaces refuse. Almost every app that "needs" it needs one capability (`NET_ADMIN`, `SYS_PTRACE`) or one device instead.',
    bad: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    securityContext:\n      privileged: true' },
    good: { lang: 'yaml', code: 'containers:\n  - name: api\n    image: shop/api:1.4.2\n    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities:\n        drop: [ALL]\n        add: [NET_BIND_SERVICE]' },
    notes: 'Checks Compose `privileged: true`, Kubernetes `securityContext.privileged: true` on containers and init containers (pods, workloads and pod templates of other kinds such as Knative), Windows `hostProcess: true`, and policies that allow privileged pods (PodSecurityPolicy `spec.privileged`, OpenShift SCC `allowPrivilegedContainer`; warnings, since they only permit it). Templated values (`{{ .Values.privileged }}`, `${PRIV}`) are not judged. The quick fix deletes the line (on policies it sets the key to false, which SecurityContextConstraints require); it is unsafe because whatever relied on the privileges stops working.',
  },
  check: {
    compose(model, ctx) {
      const seen = new Set<string>();
      for (const svc of model.services) {
        const e = trueEntry(svc.raw, 'privileged');
        if (!e || seen.has(rangeKey(e.range))) continue;
        seen.add(rangeKey(e.range));
        ctx.report({
          range: e.range,
          message: `Service "${svc.name}" runs privileged: ${WHY}. Remove it and add only the capabilities (\`cap_add\`) or \`devices\` the service needs.`,
          fix: () => deleteLineFix(model.source, e, PRIVILEGED_TITLE, svc.raw),
        });
      }
    },
    kubernetes(model, ctx) {
      const report = (e: YEntry, message: string, fix: () => Fix | undefined, severity?: 'warning') =>
        ctx.report({ range: e.range, message, severity, fix });
      const remove = (e: YEntry, parent: YView | undefined) => () => deleteLineFix(model.source, e, e.key === 'hostProcess' ? HOST_PROCESS_TITLE : PRIVILEGED_TITLE, parent);
      // Policies: SecurityContextConstraints require the key, so it is set to false rather than removed.
      const deny = (e: YEntry) => () => setFalseFix(e, `Set \`${e.key}: false\` (the policy no longer admits privileged containers)`);
      for (const pod of podsOf(model)) {
        const podHostProcess = trueEntry(pod.spec.get('securityContext')?.get('windowsOptions'), 'hostProcess');
        if (podHostProcess) report(podHostProcess, `Pod of ${pod.obj.kind} "${pod.obj.name ?? ''}" runs as a Windows HostProcess: its containers run directly on the node with its privileges. Use a regular Windows container, or keep HostProcess to node agents in their own namespace.`, remove(podHostProcess, pod.spec.get('securityContext')?.get('windowsOptions')));
        for (const c of pod.containers) {
          const sc = c.raw.get('securityContext');
          const e = trueEntry(sc, 'privileged');
          const kind = c.init ? 'Init container' : 'Container';
          if (e) report(e, `${kind} "${c.name}" runs privileged: ${WHY}. Remove it and add only the capabilities (\`securityContext.capabilities.add\`) the container needs.`, remove(e, sc));
          const hp = trueEntry(sc?.get('windowsOptions'), 'hostProcess');
          if (hp) report(hp, `${kind} "${c.name}" runs as a Windows HostProcess: it runs directly on the node with its privileges. Use a regular Windows container instead.`, remove(hp, sc?.get('windowsOptions')));
        }
      }
      for (const obj of model.objects) {
        const spec = obj.raw.get('spec');
        if (obj.kind === 'PodSecurityPolicy') {
          const e = trueEntry(spec, 'privileged');
          if (e) report(e, `PodSecurityPolicy "${obj.name ?? ''}" admits privileged pods, so any pod allowed to use it can take over its node. Set it to false (PodSecurityPolicy was removed in Kubernetes 1.25: enforce Pod Security Admission "baseline" or "restricted" instead).`, deny(e), 'warning');
        }
        if (obj.kind === 'SecurityContextConstraints') {
          const e = trueEntry(obj.raw, 'allowPrivilegedContainer');
          if (e) report(e, `SecurityContextConstraints "${obj.name ?? ''}" admits privileged containers, so any workload bound to it can take over its node. Set it to false and grant specific capabilities instead.`, deny(e), 'warning');
        }
      }
    },
  },
});
