import { hostSocketOf } from './daemons';
import { substitute } from './interpolation';
import { withoutTrailingSlashes } from './text';

/**
 * Host paths a container should not see: the node's own filesystem, kernel interfaces, credentials and
 * the state of its container runtime and kubelet. Daemon sockets (and /run, /var/run as a whole) are
 * knowledge/daemons.ts's `hostSocketOf`, reported by host-socket-mount; this table is everything else,
 * so that one mount gets one finding. Facts only; the rule decides severity.
 */
export interface SensitiveHostPath {
  /** What the path holds, for messages ("the host's kernel modules"). */
  what: string;
  /** Written to, it lets the container take over the node (rewrite its config, load modules, replace binaries). */
  nodeTakeover: boolean;
}

interface Entry extends SensitiveHostPath { path: string; subtree: boolean }

const ENTRIES: Entry[] = [
  { path: '/', what: "the whole host filesystem", nodeTakeover: true, subtree: false },
  { path: '/proc', what: "every host process with its environment, and the kernel's tunables", nodeTakeover: true, subtree: true },
  { path: '/sys', what: "the kernel's, cgroups' and devices' settings", nodeTakeover: true, subtree: true },
  { path: '/dev', what: "every host device, disks included", nodeTakeover: true, subtree: false },
  { path: '/etc', what: "the host's configuration, users and password hashes", nodeTakeover: true, subtree: false },
  // Root's home as a whole, and the folders in it that hold credentials; other folders under /root are data an
  // installer chose to keep there (`DATA_FOLDER=/root/n8n`), not root's keys.
  { path: '/root', what: "the host root user's home: SSH keys and cloud and cluster credentials", nodeTakeover: true, subtree: false },
  ...['.ssh', '.gnupg', '.aws', '.azure', '.kube', '.docker', '.config', '.git-credentials', '.netrc', '.bash_history'].map((dir) => (
    { path: `/root/${dir}`, what: "the host root user's credentials", nodeTakeover: true, subtree: true })),
  { path: '/boot', what: "the host's kernel and boot loader", nodeTakeover: true, subtree: true },
  { path: '/lib/modules', what: "the host's kernel modules", nodeTakeover: true, subtree: true },
  { path: '/usr/lib/modules', what: "the host's kernel modules", nodeTakeover: true, subtree: true },
  { path: '/var/lib/docker', what: "the Docker daemon's state, every container's filesystem and configuration", nodeTakeover: true, subtree: true },
  { path: '/var/lib/containerd', what: "containerd's state, every container's filesystem", nodeTakeover: true, subtree: true },
  { path: '/var/lib/kubelet', what: "the kubelet's state, every pod's volumes and service-account tokens", nodeTakeover: true, subtree: true },
  { path: '/etc/kubernetes', what: "the node's Kubernetes credentials and manifests", nodeTakeover: true, subtree: true },
  { path: '/etc/docker', what: "the Docker daemon's configuration and TLS keys", nodeTakeover: true, subtree: true },
  { path: '/etc/ssh', what: "the host's SSH configuration and host keys", nodeTakeover: true, subtree: true },
  { path: '/etc/shadow', what: "the host's password hashes", nodeTakeover: true, subtree: false },
  { path: '/etc/sudoers', what: "the host's sudo rules", nodeTakeover: true, subtree: true },
  { path: '/var/log', what: "the host's logs", nodeTakeover: false, subtree: true },
  { path: '/run', what: "the host's runtime state", nodeTakeover: false, subtree: true },
  { path: '/var/run', what: "the host's runtime state", nodeTakeover: false, subtree: true },
];

/** Devices that pass one piece of hardware (GPU, sound, serial, USB) rather than the whole /dev. */
const SINGLE_DEVICE = /^\/dev\/(?:dri|snd|tty\w*|bus\/usb|video\d*|nvidia\w*|kfd|net\/tun|fuse|kvm|serial|input|hidraw\d*|shm|zigbee|bus)(?:\/|$)/;

function normalise(p: string): string {
  let s = p.trim().replace(/\/{2,}/g, '/');
  if (s.length > 1) s = withoutTrailingSlashes(s);
  return s;
}

/**
 * What a host path exposes, or undefined for ordinary paths, for paths `hostSocketOf` does not know
 * (so a socket gets its own finding, not two). A path with variables is judged by its written
 * fallback (`${LOG_DIR:-/var/log}`); without one it is unknown and stays quiet.
 */
export function sensitiveHostPathOf(path: string, dynamic: boolean): SensitiveHostPath | undefined {
  let p = path;
  if (dynamic) {
    const resolved = substitute(path, new Map());
    if (!resolved || /[${}\uE000]/.test(resolved)) return undefined;
    p = resolved;
  }
  if (!p.startsWith('/')) return undefined;
  if (hostSocketOf(p, false)) return undefined;
  const n = normalise(p);
  if (n.startsWith('/dev/')) {
    return { what: SINGLE_DEVICE.test(n) ? 'a host device' : 'host devices', nodeTakeover: false };
  }
  let best: Entry | undefined;
  for (const e of ENTRIES) {
    const under = e.subtree && e.path !== '/' && n.startsWith(e.path + '/');
    if ((n === e.path || under) && (!best || e.path.length > best.path.length)) best = e;
  }
  if (!best) return undefined;
  return best;
}

/**
 * Images whose job is to watch or serve the node they run on: metrics exporters, log shippers,
 * security sensors, CNI/CSI/device plugins. Reading host paths is what they are for, so their mounts
 * are reported as information (the access stays visible), never silenced.
 */
const NODE_AGENTS = new Set([
  'cadvisor', 'promtail', 'fluent-bit', 'fluentbit', 'fluentd', 'filebeat', 'metricbeat', 'auditbeat', 'packetbeat',
  'journalbeat', 'vector', 'alloy', 'grafana-agent', 'otelcol', 'otelcol-contrib', 'otelcol-k8s', 'opentelemetry-collector',
  'opentelemetry-collector-contrib', 'opentelemetry-collector-k8s', 'datadog-agent', 'agent', 'netdata', 'telegraf', 'falco',
  'falco-no-driver', 'sysdig', 'tetragon', 'node-problem-detector', 'kube-proxy', 'calico-node', 'node', 'cilium', 'cilium-agent',
  'flannel', 'weave-kube', 'kube-router', 'node-driver-registrar', 'logspout', 'glances', 'portainer-agent', 'crowdsec',
  'wazuh-agent', 'elastic-agent', 'fleet-server', 'node-feature-discovery', 'kured', 'log-pilot', 'beyla', 'nvidia-dcgm-exporter', 'k8s-device-plugin',
  'fluent-operator', 'fluent-bit-debug', 'loki-canary', 'kube-state-metrics', 'node-local-dns', 'k8s-dns-node-cache',
]);

export function isNodeAgentImage(repository: string): boolean {
  const repo = repository.toLowerCase();
  const base = repo.slice(repo.lastIndexOf('/') + 1);
  if (NODE_AGENTS.has(base)) return true;
  // Exporters (node_exporter, process-exporter, smartctl_exporter), CSI drivers and device plugins by their naming conventions.
  return /(?:^|[-_])exporter$/.test(base) || base.startsWith('csi-') || /-csi(?:-|$)/.test(base) || base.endsWith('device-plugin')
    || base.startsWith('cni-') || base.endsWith('-cni') || repo.startsWith('calico/') || repo.startsWith('cilium/');
}
