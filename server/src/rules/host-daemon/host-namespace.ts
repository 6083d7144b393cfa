import { defineRule, Severity } from '../../engine/rule';
import type { YEntry, YView } from '../../parse/yaml-view';
import { deleteLineFix, podsOf, rangeKey, setFalseFix, trueEntry } from './shared';

type Ns = 'network' | 'pid' | 'ipc' | 'userns' | 'uts';

/** Why sharing each host namespace hurts, and what to do instead, per file kind. */
const HARM: Record<Ns, { compose: string; kube: string }> = {
  network: {
    compose: "its ports bind directly on the host, so two copies cannot run on one machine, `ports:` mappings are ignored and the container's network isolation is gone. Remove it and publish the ports the service needs",
    kube: 'its ports bind directly on the node, so only one replica fits per node, NetworkPolicies no longer isolate it and it can reach node-local services. Remove it and expose the pod through a Service',
  },
  pid: {
    compose: "it can see and signal every process on the host and read their environments (secrets included), and it no longer gets its own PID 1. Remove it; share a process namespace with one named service (`pid: \"service:x\"`) if you must",
    kube: "it can see and signal every process on the node and read their environments (secrets included). Remove it; `shareProcessNamespace: true` shares processes within the pod only",
  },
  ipc: {
    compose: "it can read and write other programs' shared memory and semaphores on the host. Remove it, or share IPC with one named service (`ipc: \"service:x\"`)",
    kube: "it can read and write other programs' shared memory and semaphores on the node. Remove it; containers of one pod already share IPC",
  },
  userns: {
    compose: 'it opts out of user-namespace remapping, so root in the container is root on the host. Remove it',
    kube: 'root in the container is root on the node. Remove it',
  },
  uts: {
    compose: "it can change the host's hostname. Remove it and set `hostname:` if the service needs one",
    kube: "it can change the node's hostname. Remove it",
  },
};

const COMPOSE_KEYS: Record<string, Ns> = { network_mode: 'network', net: 'network', pid: 'pid', ipc: 'ipc', userns_mode: 'userns', uts: 'uts' };
const KUBE_KEYS: Record<string, Ns> = { hostNetwork: 'network', hostPID: 'pid', hostIPC: 'ipc' };
const SCC_KEYS: Record<string, Ns> = { allowHostNetwork: 'network', allowHostPID: 'pid', allowHostIPC: 'ipc' };
/** What removing the setting changes, for fix titles. */
const AFTER: Record<Ns, string> = {
  network: 'the container gets its own network namespace; publish the ports it needs',
  pid: "the container no longer sees or signals the host's processes",
  ipc: "the container no longer shares the host's shared memory and semaphores",
  userns: 'user-namespace remapping applies again',
  uts: 'the container gets its own hostname',
};

const NAMES: Record<Ns, string> = { network: 'network', pid: 'process (PID)', ipc: 'IPC', userns: 'user', uts: 'UTS' };

/**
 * The PID namespace hands over every process on the machine: the one that breaks production outright.
 * A node agent (a DaemonSet, or a Compose service deployed `mode: global`: one per node, watching the
 * node) shares namespaces by design, so its findings drop a level, in both kinds alike.
 */
const severityOf = (ns: Ns, nodeAgent = false): Severity | undefined =>
  nodeAgent ? (ns === 'pid' ? 'warning' : 'info') : ns === 'pid' ? 'error' : undefined;

/** A DaemonSet already runs one pod per node: replica collisions are not its problem. */
const NODE_AGENT_NETWORK = 'its ports bind directly on the node, NetworkPolicies no longer isolate it and it can reach every node-local service. If this node agent truly needs it, suppress the finding with a reason; otherwise remove it';

export default defineRule({
  id: 'host-namespace',
  title: "Container shares a host namespace",
  category: 'host-daemon',
  principle: 'security',
  severity: 'warning',
  fix: 'unsafe',
  peers: {
    kics: [
      'host_namespace_is_shared', 'shared_host_ipc_namespace', 'shared_host_network_namespace', 'shared_host_user_namespace',
      'shared_host_pid_namespace', 'psp_allows_sharing_host_ipc', 'psp_allows_sharing_host_pid', 'psp_containers_share_host_network_namespace',
    ],
    checkov: ['CKV_K8S_17', 'CKV_K8S_18', 'CKV_K8S_19', 'CKV_K8S_1', 'CKV_K8S_3', 'CKV_K8S_4'],
    kubeLinter: ['host-ipc', 'host-network', 'host-pid'], polaris: ['hostIPCSet', 'hostNetworkSet', 'hostPIDSet'],
    trivy: ['KSV-0008', 'KSV-0009', 'KSV-0010'],
  },
  docs: {
    why: "A container that shares the host's network, PID, IPC, user or UTS namespace is no longer isolated from the machine it runs on. Host networking makes ports collide between replicas and bypasses Services and network policies; the host PID namespace lets the app see, signal and read the environment of every process on the node; host IPC exposes shared memory. The service then depends on which host it lands on, cannot be scaled freely, and a compromise reaches the node.",
    bad: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    network_mode: host\n    pid: host' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    ports:\n      - "8080:8080"' },
    notes: 'Checks Compose `network_mode`/`net`, `pid`, `ipc`, `userns_mode` and `uts` set to `host`; Kubernetes `hostNetwork`, `hostPID`, `hostIPC` set to true (workloads and pod templates of other kinds), and policies that allow them (PodSecurityPolicy, OpenShift SCC; warnings). Sharing with another container or service (`pid: "service:x"`, `ipc: shareable`) is fine. The host PID namespace is an error, the others warnings. On node agents (DaemonSets, and Compose services deployed with `deploy.mode: global`) findings drop one level (PID warning, others info); suppress them with a reason when the agent needs it. The quick fix deletes the line (on policies it sets the key to false, which SecurityContextConstraints require) and is unsafe: networking and process visibility change.',
  },
  check: {
    compose(model, ctx) {
      const seen = new Set<string>();
      for (const svc of model.services) {
        const nodeAgent = svc.raw.get('deploy')?.get('mode')?.str()?.value.trim().toLowerCase() === 'global';
        for (const [key, ns] of Object.entries(COMPOSE_KEYS)) {
          const e = svc.raw.entry(key);
          const v = e?.value.str();
          if (!e || !v || v.value.trim().toLowerCase() !== 'host' || seen.has(rangeKey(e.range))) continue;
          seen.add(rangeKey(e.range));
          ctx.report({
            range: e.range, severity: severityOf(ns, nodeAgent),
            message: `Service "${svc.name}" shares the host's ${NAMES[ns]} namespace (\`${key}: host\`): ${HARM[ns].compose}.`,
            fix: () => deleteLineFix(model.source, e, `Remove \`${key}: host\` (${AFTER[ns]})`, svc.raw),
          });
        }
      }
    },
    kubernetes(model, ctx) {
      const fix = (e: YEntry, ns: Ns, parent: YView | undefined) => () => deleteLineFix(model.source, e, `Remove \`${e.key}: true\` (${AFTER[ns].replace('host', 'node')})`, parent);
      // Policies: SecurityContextConstraints require these keys, so they are set to false rather than removed.
      const deny = (e: YEntry) => () => setFalseFix(e, `Set \`${e.key}: false\` (the policy no longer admits pods sharing this namespace)`);
      for (const pod of podsOf(model)) {
        const nodeAgent = pod.obj.workload?.pods === 'per-node';
        for (const [key, ns] of Object.entries(KUBE_KEYS)) {
          const e = trueEntry(pod.spec, key);
          if (!e) continue;
          ctx.report({
            range: e.range, severity: severityOf(ns, nodeAgent), fix: fix(e, ns, pod.spec),
            message: `${pod.obj.kind} "${pod.obj.name ?? ''}" shares the node's ${NAMES[ns]} namespace (\`${key}: true\`): ${nodeAgent && ns === 'network' ? NODE_AGENT_NETWORK : HARM[ns].kube}.`,
          });
        }
      }
      for (const obj of model.objects) {
        const policy = obj.kind === 'PodSecurityPolicy' ? { view: obj.raw.get('spec'), keys: KUBE_KEYS } : obj.kind === 'SecurityContextConstraints' ? { view: obj.raw, keys: SCC_KEYS } : undefined;
        if (!policy) continue;
        for (const [key, ns] of Object.entries(policy.keys)) {
          const e = trueEntry(policy.view, key);
          if (!e) continue;
          ctx.report({
            range: e.range, severity: 'warning', fix: deny(e),
            message: `${obj.kind} "${obj.name ?? ''}" lets pods share the node's ${NAMES[ns]} namespace (\`${key}: true\`), so any workload admitted by it can break out of its isolation. Set it to false${obj.kind === 'PodSecurityPolicy' ? ' (PodSecurityPolicy was removed in Kubernetes 1.25: enforce Pod Security Admission "baseline" instead)' : ''}.`,
          });
        }
      }
    },
  },
});
