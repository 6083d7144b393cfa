import { defineRule, Fix, RelatedInfo, Severity } from '../../engine/rule';
import type { Located } from '../../model/common';
import type { ComposeMount, ComposeModel } from '../../model/compose';
import type { SourceText } from '../../model/range';
import { isNodeAgentImage, SensitiveHostPath, sensitiveHostPathOf } from '../../knowledge/host-paths';
import { cutAtFirstOf } from '../../knowledge/text';
import { podsOf, rangeKey, shortSyntax } from './shared';

const ADVICE = 'Mount only the files the service needs, read-only, or give it what it needs over an API';

/**
 * Error only for what is certain to hand over the node: a non-agent container that can write to a
 * path whose contents run or configure the host. Read-only and runtime/log paths are warnings; node
 * agents (exporters, log shippers, CNI/CSI) read the host by design and get information.
 */
function severityOf(p: SensitiveHostPath, writable: boolean, agent: boolean, templated = false): Severity {
  if (agent) return 'info';
  // A Helm template's branch may be switched off by its values: never an error on a guess.
  return writable && p.nodeTakeover && !templated ? 'error' : 'warning';
}

function tail(writable: boolean, agent: string | undefined): string {
  if (agent) return ` ${agent} reads the host by design, so this is information: keep the mount as narrow as the agent's documentation allows${writable ? ', and read-only' : ''}.`;
  return writable
    ? ` It is mounted read-write: the container can change the host. ${ADVICE}.`
    : ` Even read-only, the container can read the host's secrets and state, and runs only where that layout exists. ${ADVICE}.`;
}

/** Appends `:ro` to a one-line short-syntax `SOURCE:TARGET` item (no mode yet). */
function readOnlyFix(source: SourceText, m: ComposeMount, target: Located | undefined): (() => Fix | undefined) | undefined {
  if (!target || m.range.start.line !== m.range.end.line) return undefined;
  const text = source.slice(m.range);
  const quote = /^["']/.test(text) ? 1 : 0;
  const end = source.offsetAt(target.range.end);
  const itemEnd = source.offsetAt(m.range.end) - quote;
  if (end !== itemEnd) return undefined;
  const at = source.positionAt(end);
  return () => ({ title: 'Mount it read-only (`:ro`)', safety: 'unsafe', edits: [{ range: { start: at, end: at }, newText: ':ro' }] });
}

export default defineRule({
  id: 'sensitive-host-mount',
  title: 'Sensitive host path mounted into a container',
  category: 'host-daemon',
  principle: 'security',
  severity: 'warning',
  fix: 'unsafe',
  peers: {
    kics: ['volume_has_sensitive_host_directory', 'workload_mounting_with_sensitive_os_directory'],
    kubeLinter: ['sensitive-host-mounts', 'writable-host-mount'], trivy: ['KSV-0023'],
  },
  docs: {
    why: "A container that mounts the host's `/`, `/etc`, `/proc`, `/sys`, `/dev`, `/root`, `/boot`, kernel modules, or the state of the container runtime and kubelet (`/var/lib/docker`, `/var/lib/kubelet`) can read the node's secrets (password hashes, SSH keys, every pod's service-account token) and, read-write, take the node over (change its configuration, load kernel modules, edit other containers). It also ties the service to hosts with that layout. `/var/log` and paths under `/run` leak less but still couple the service to one machine. Metrics exporters, log shippers and CNI/CSI plugins read the host by design: they get information, so the access stays visible.",
    bad: { lang: 'yaml', code: 'services:\n  backup:\n    image: acme/backup:1.4.0\n    volumes:\n      - /etc:/host/etc\n      - /var/lib/docker:/var/lib/docker' },
    good: { lang: 'yaml', code: 'services:\n  backup:\n    image: acme/backup:1.4.0\n    volumes:\n      - app-data:/data:ro   # back up the volume, not the host\nvolumes:\n  app-data:' },
    notes: 'Checks Compose bind mounts (short and long syntax, and named volumes whose `driver_opts.device` binds a host path) and Kubernetes `hostPath` volumes and PersistentVolumes (reported at the path, naming the containers that mount it). Read-write mounts of paths that configure or run the host are errors; read-only ones, `/var/log`, paths under `/run` and single devices (`/dev/dri`) are warnings; node agents (a DaemonSet, or an exporter, log shipper, security sensor, CNI/CSI or device-plugin image, service or container name) are information with the reason. In Helm templates a finding is at most a warning (the values may switch the branch off). `/etc/localtime`, `/etc/timezone`, `/etc/ssl/certs` and other single files under `/etc` are not flagged. Daemon sockets, and `/run` or `/var/run` as a whole, are `host-socket-mount`. The quick fix (unsafe: writes to the mount start failing) appends `:ro` to a short-syntax Compose mount that has no mode.',
  },
  check: {
    compose(model: ComposeModel, ctx) {
      const seen = new Set<string>();
      const namedDevices = new Map<string, Located>();
      for (const e of model.root?.get('volumes')?.entries() ?? []) {
        const device = e.value.get('driver_opts')?.get('device')?.str();
        if (device) namedDevices.set(e.key, device);
      }
      for (const svc of model.services) {
        // A service built from a folder has no image to go by: its name says what it is (`filebeat`, `node-exporter`).
        const agent = svc.image && isNodeAgentImage(svc.image.repository) ? `"${svc.name}" (${svc.image.repository}) is a node agent that`
          : isNodeAgentImage(svc.name) ? `"${svc.name}" is a node agent that` : undefined;
        for (const m of svc.volumes) {
          let at: Located | undefined, target: Located | undefined, how = '';
          if (m.type === 'volume') {
            const device = m.source && namedDevices.get(m.source.value);
            if (!device) continue;
            at = device; target = m.target; how = `through volume "${m.source!.value}" `;
          } else if (m.type === 'bind' || m.type === 'unknown') {
            const split = shortSyntax(m, model.source);
            at = split.source; target = split.target;
          }
          if (!at) continue;
          const p = sensitiveHostPathOf(at.value, at.dynamic);
          if (!p || seen.has(rangeKey(at.range) + svc.name)) continue;
          seen.add(rangeKey(at.range) + svc.name);
          const writable = !m.readOnly;
          ctx.report({
            range: at.range, severity: severityOf(p, writable, !!agent),
            message: `Service "${svc.name}" mounts the host's ${at.value} ${how}${target ? `at ${target.value} ` : ''}${writable ? 'read-write' : 'read-only'}: ${p.what}.${tail(writable, agent)}`,
            fix: writable && !how && m.type !== 'volume' ? readOnlyFix(model.source, m, target) : undefined,
          });
        }
      }
    },
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        const images = pod.containers.map((c) => c.raw.get('image')?.str()?.value ?? '');
        // Images of Helm templates are values; the container's name then says what it is.
        const agentImage = images.find((i) => isNodeAgentImage(cutAtFirstOf(i, ':@'))) ?? pod.containers.map((c) => c.name).find((n) => isNodeAgentImage(n));
        const agent = pod.obj.workload?.pods === 'per-node' ? `${pod.obj.kind} "${pod.obj.name ?? ''}" is a node agent that`
          : agentImage ? `${pod.obj.kind} "${pod.obj.name ?? ''}" runs a node agent (${agentImage}) that` : undefined;
        for (const vol of pod.spec.get('volumes')?.items() ?? []) {
          const path = vol.get('hostPath')?.get('path')?.str();
          if (!path) continue;
          const p = sensitiveHostPathOf(path.value, path.dynamic);
          if (!p) continue;
          const name = vol.get('name')?.str()?.value ?? '';
          const related: RelatedInfo[] = [];
          let writable = false;
          for (const c of pod.containers) {
            for (const vm of c.raw.get('volumeMounts')?.items() ?? []) {
              if (vm.get('name')?.str()?.value !== name) continue;
              const ro = vm.get('readOnly')?.bool()?.value === true;
              if (!ro) writable = true;
              related.push({ message: `container "${c.name}" mounts it at ${vm.get('mountPath')?.str()?.value ?? '?'}${ro ? ' read-only' : ' read-write'}`, range: vm.range });
            }
          }
          const who = related.length ? `, mounted ${writable ? 'read-write' : 'read-only'} by ${related.length} container mount${related.length > 1 ? 's' : ''}` : ' (no container mounts it yet)';
          ctx.report({
            range: path.range, related, severity: severityOf(p, writable, !!agent, pod.obj.templated),
            message: `hostPath volume "${name}" of ${pod.obj.kind} "${pod.obj.name ?? ''}" exposes the host's ${path.value}${who}: ${p.what}.${tail(writable, agent)}`,
          });
        }
      }
      for (const obj of model.objects) {
        if (obj.kind !== 'PersistentVolume') continue;
        const path = obj.raw.get('spec')?.get('hostPath')?.get('path')?.str();
        const p = path && sensitiveHostPathOf(path.value, path.dynamic);
        if (!path || !p) continue;
        ctx.report({ range: path.range, message: `PersistentVolume "${obj.name ?? ''}" exposes the host's ${path.value} to any pod that claims it: ${p.what}. ${ADVICE}.` });
      }
    },
  },
});
