import { defineRule, Fix, RelatedInfo, TextEdit } from '../../engine/rule';
import type { Located } from '../../model/common';
import type { ComposeMount, ComposeModel, ComposeService } from '../../model/compose';
import { rangeContains, SourceText } from '../../model/range';
import type { YView } from '../../parse/yaml-view';
import { HostSocket, hostSocketOf } from '../../knowledge/daemons';
import { execArgs, PodView, podsOf, rangeKey, removeEntry, removeSeqItem, shortSyntax } from './shared';

const RUNTIME_ADVICE = 'Whoever controls the container controls the daemon: it can start privileged containers and read every secret on the node, and the service only runs where that daemon does. Give the tool a narrow API instead (a socket proxy allowing only the calls it needs, or the orchestrator API with RBAC), or drop the mount.';

function advice(s: HostSocket, path: string): string {
  if (s.runtime) return RUNTIME_ADVICE;
  if (/\/dev\/log|journal/.test(path)) return 'Logging through the host ties the service to one machine\'s syslog/journald; write logs to stdout/stderr and let the platform collect them.';
  return 'The service then depends on, and can control, services of the one host it runs on; reach what it needs over the network instead.';
}

/** A dynamic source mounted onto a runtime socket path is that socket in practice (`${DOCKER_SOCK}:/var/run/docker.sock`). */
function socketOfMount(source: Located | undefined, target: Located | undefined): { s: HostSocket; at: Located; viaTarget: boolean } | undefined {
  if (source) {
    const s = hostSocketOf(source.value, source.dynamic);
    if (s) return { s, at: source, viaTarget: false };
  }
  if (target && (!source || source.dynamic)) {
    const t = hostSocketOf(target.value, target.dynamic);
    if (t?.runtime && /\.sock$/.test(target.value)) return { s: t, at: source ?? target, viaTarget: true };
  }
  return undefined;
}

/** What removing the mount changes, in the fix title. */
function removalTitle(s: HostSocket, path: string): string {
  const runtime = /Docker/.test(s.what) ? "the host's Docker daemon" : /containerd/.test(s.what) ? "the host's containerd" : /CRI-O/.test(s.what) ? "the host's CRI-O" : /Podman/.test(s.what) ? "the host's Podman" : "the host's container runtime";
  const loses = /whole/.test(s.what) ? "the host's runtime sockets and everything else in it"
    : s.runtime ? runtime
    : s.what.replace(/ (?:socket|sockets|directory)$/, '');
  return `Remove the ${path} mount (the container loses access to ${loses})`;
}

/**
 * Removes items of a block sequence, or the whole `key:` entry when no item would be left. Every item
 * must lie inside `owner` (not in an anchor elsewhere that other services share).
 */
function removeItems(source: SourceText, owner: YView, key: string, drop: (item: YView) => boolean): TextEdit[] | undefined {
  const entry = owner.entry(key);
  if (!entry || !entry.value.isSeq || !rangeContains(owner.range, entry.keyRange) || !rangeContains(owner.range, entry.value.range)) return undefined;
  const items = entry.value.items();
  const gone = items.filter(drop);
  if (!gone.length || gone.some((i) => !rangeContains(entry.value.range, i.range))) return undefined;
  if (gone.length === items.length) { const e = removeEntry(source, entry); return e ? [e] : undefined; }
  const edits = gone.map((i) => removeSeqItem(source, i));
  return edits.every((e): e is TextEdit => !!e) ? edits : undefined;
}

function composeRemoval(model: ComposeModel, svc: ComposeService, m: ComposeMount, s: HostSocket, path: string): Fix | undefined {
  const edits = removeItems(model.source, svc.raw, 'volumes', (i) => rangeKey(i.range) === rangeKey(m.range));
  return edits && { title: removalTitle(s, path), safety: 'unsafe', edits };
}

/** Removes a hostPath volume and its mounts, when at most one container mounts it (others would lose it too). */
function kubeRemoval(source: SourceText, pod: PodView, vol: YView, name: string, s: HostSocket, path: string): Fix | undefined {
  const users = pod.containers.filter((c) => (c.raw.get('volumeMounts')?.items() ?? []).some((vm) => vm.get('name')?.str()?.value === name));
  if (users.length > 1 || !name) return undefined;
  const edits = removeItems(source, pod.spec, 'volumes', (i) => rangeKey(i.range) === rangeKey(vol.range));
  if (!edits) return undefined;
  for (const c of users) {
    const more = removeItems(source, c.raw, 'volumeMounts', (vm) => vm.get('name')?.str()?.value === name);
    if (!more) return undefined;
    edits.push(...more);
  }
  return { title: removalTitle(s, path), safety: 'unsafe', edits };
}

export default defineRule({
  id: 'host-socket-mount',
  title: 'Host daemon socket mounted into a container',
  category: 'host-daemon',
  principle: 'security',
  severity: 'error',
  fix: 'unsafe',
  peers: {
    kics: ['docker_socket_mounted_in_container', 'docker_daemon_socket_is_exposed_to_containers'],
    checkov: ['CKV_K8S_27'], kubeLinter: ['docker-sock'], trivy: ['KSV-0006'],
  },
  docs: {
    why: 'A container that can talk to the Docker, containerd, CRI-O or Podman socket can start a privileged container with the host\'s root filesystem mounted: it is root on the node, and so is anyone who compromises it. It also binds the service to hosts that run that particular daemon (Kubernetes nodes have not run Docker since 1.24). Mounting `/var/run` or `/run` whole exposes the same sockets. Host syslog (`/dev/log`), journald, systemd and D-Bus sockets are less dangerous but tie the service to one machine\'s local services.',
    bad: { lang: 'yaml', code: 'services:\n  ci-agent:\n    image: acme/agent:2.3.1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock' },
    good: { lang: 'yaml', code: 'services:\n  ci-agent:\n    image: acme/agent:2.3.1\n    environment:\n      DOCKER_HOST: tcp://docker-proxy:2375   # a socket proxy that allows only the calls the agent needs\n  docker-proxy:\n    image: tecnativa/docker-socket-proxy:0.3.0\n    environment:\n      CONTAINERS: 1\n      POST: 0' },
    notes: 'Checks Compose `volumes:` (short and long syntax, and named volumes whose `driver_opts.device` binds a socket), Kubernetes `hostPath` volumes and PersistentVolumes (reported at the path, naming the containers that mount it), and `VOLUME` of a socket path in a shipped Dockerfile stage (a warning: it only declares the mount). Runtime sockets are errors; `/dev/log`, journald, systemd, D-Bus and any other daemon\'s socket under an absolute host path (`*.sock`, `*-sock`: MySQL, libvirt, PHP-FPM) are warnings. Other sensitive host paths (`/etc`, `/proc`, `/var/lib/docker`, ...) are `sensitive-host-mount`. Node agents (monitoring DaemonSets) that genuinely need the socket should suppress the finding with a reason. The quick fix (unsafe: whatever used the daemon stops working) removes the Compose `volumes:` item (short or long syntax; the `volumes:` key too when it was the only item), or the Kubernetes hostPath volume with its volumeMounts when at most one container mounts it. Named volumes binding a socket, PersistentVolumes and Dockerfile `VOLUME` get no fix.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const stage of model.stages) {
        if (!stage.ships) continue;
        for (const ins of stage.instructions) {
          if (ins.keyword !== 'VOLUME') continue;
          for (const p of execArgs(ins, model.source) ?? ins.args) {
            const s = hostSocketOf(p.value, p.dynamic);
            if (!s?.runtime || !/\.sock$/.test(p.value)) continue;
            ctx.report({
              range: p.range, severity: 'warning',
              message: `VOLUME ${p.value} declares a mount point for ${s.what}: the image expects the host's container daemon to be mounted into it. ${RUNTIME_ADVICE}`,
            });
          }
        }
      }
    },
    compose(model, ctx) {
      const seen = new Set<string>();
      const report = (at: Located, s: HostSocket, message: string, fix?: () => Fix | undefined) => {
        if (seen.has(rangeKey(at.range))) return;
        seen.add(rangeKey(at.range));
        ctx.report({ range: at.range, message, severity: s.runtime ? undefined : 'warning', fix });
      };
      const namedDevices = new Map<string, Located>();
      for (const e of model.root?.get('volumes')?.entries() ?? []) {
        const device = e.value.get('driver_opts')?.get('device')?.str();
        if (device) namedDevices.set(e.key, device);
      }
      for (const svc of model.services) {
        for (const m of svc.volumes) {
          if (m.type === 'volume' || m.type === 'tmpfs') {
            const device = m.source && namedDevices.get(m.source.value);
            const s = device && hostSocketOf(device.value, device.dynamic);
            if (device && s) report(device, s, `Volume "${m.source!.value}" binds ${s.what} (${device.value}) and service "${svc.name}" mounts it. ${advice(s, device.value)}`);
            continue;
          }
          const split = shortSyntax(m, model.source);
          const hit = socketOfMount(split.source, split.target);
          if (!hit) continue;
          const what = hit.viaTarget
            ? `mounts ${hit.at.value} at ${split.target!.value}, the path of ${hit.s.what}`
            : `mounts ${hit.s.what} (${hit.at.value})`;
          report(hit.at, hit.s, `Service "${svc.name}" ${what}. ${advice(hit.s, hit.at.value)}`, () => composeRemoval(model, svc, m, hit.s, hit.at.value));
        }
      }
    },
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        for (const vol of pod.spec.get('volumes')?.items() ?? []) {
          const path = vol.get('hostPath')?.get('path')?.str();
          if (!path) continue;
          const s = hostSocketOf(path.value, path.dynamic);
          if (!s) continue;
          const name = vol.get('name')?.str()?.value ?? '';
          const related: RelatedInfo[] = [];
          const users: string[] = [];
          for (const c of pod.containers) {
            for (const vm of c.raw.get('volumeMounts')?.items() ?? []) {
              if (vm.get('name')?.str()?.value !== name) continue;
              users.push(`"${c.name}"`);
              related.push({ message: `container "${c.name}" mounts it at ${vm.get('mountPath')?.str()?.value ?? '?'}`, range: vm.range });
            }
          }
          const who = users.length ? `into container${users.length > 1 ? 's' : ''} ${[...new Set(users)].join(', ')}` : '(no container mounts it yet)';
          ctx.report({
            range: path.range, related, severity: s.runtime ? undefined : 'warning', fix: () => kubeRemoval(model.source, pod, vol, name, s, path.value),
            message: `hostPath volume "${name}" of ${pod.obj.kind} "${pod.obj.name ?? ''}" mounts ${s.what} (${path.value}) ${who}. ${advice(s, path.value)}`,
          });
        }
      }
      for (const obj of model.objects) {
        if (obj.kind !== 'PersistentVolume') continue;
        const path = obj.raw.get('spec')?.get('hostPath')?.get('path')?.str();
        const s = path && hostSocketOf(path.value, path.dynamic);
        if (!path || !s) continue;
        ctx.report({
          range: path.range, severity: s.runtime ? undefined : 'warning',
          message: `PersistentVolume "${obj.name ?? ''}" exposes ${s.what} (${path.value}) to any pod that claims it. ${advice(s, path.value)}`,
        });
      }
    },
  },
});
