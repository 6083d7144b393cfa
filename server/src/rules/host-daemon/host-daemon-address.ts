import { defineRule, RuleContext } from '../../engine/rule';
import type { EnvEntry } from '../../model/common';
import type { Range, SourceText } from '../../model/range';
import { findHostAddress } from '../../knowledge/daemons';
import type { ShellCommand } from '../../knowledge/shell';
import { containerCommands, podsOf, runtimeInstructions } from './shared';
import { commandsOf, openShellScripts } from '../../knowledge/container-commands';
import { hasLineBreak } from '../../knowledge/text';

const ADVICE = 'That only exists on a developer machine or one particular host, not on other servers or in a cluster. Run the dependency as its own service, reach it by service name, and pass the address in through configuration.';

/** The address's own range inside a value when the source spells the value verbatim, else the whole value. */
function subRange(source: SourceText, range: Range, value: string, start: number, end: number): Range {
  let base = source.offsetAt(range.start);
  const q = source.text[base];
  if ((q === '"' || q === '\'') && source.text.slice(base + 1, base + 1 + value.length) === value) base++;
  return source.text.slice(base + start, base + end) === value.slice(start, end) ? source.range(base + start, base + end) : range;
}

function checkEnv(entries: EnvEntry[], where: string, source: SourceText, ctx: RuleContext): void {
  for (const e of entries) {
    if (e.value === undefined || !e.valueRange) continue;
    const hit = findHostAddress(e.value);
    if (!hit) continue;
    ctx.report({
      range: subRange(source, e.valueRange, e.value, hit.start, hit.end),
      message: `${where} ${e.name} points at ${hit.address}, a daemon on the container's host. ${ADVICE}`,
    });
  }
}

function checkCommands(commands: ShellCommand[], where: string, source: SourceText, ctx: RuleContext): void {
  for (const c of commands) {
    for (const w of c.words) {
      const hit = findHostAddress(w.text);
      if (!hit) continue;
      const exact = source.text.slice(w.start, w.end) === w.text;
      ctx.report({
        range: exact ? source.range(w.start + hit.start, w.start + hit.end) : source.range(w.start, w.end),
        message: `${where} talks to ${hit.address}, a daemon on the container's host. ${ADVICE}`,
      });
    }
  }
}

/**
 * `host:address` or `host=address` of an `extra_hosts` entry, trimmed (`/^\s*([^:=\s]+)\s*[:=]\s*(.+?)\s*$/`
 * read without its blank runs on both sides of a lazy value, which made it cubic).
 */
/** Variable names of node-local agent endpoints (`DD_AGENT_HOST`, `JAEGER_AGENT_HOST`, `STATSD_HOST`, `OTEL_EXPORTER_OTLP_ENDPOINT`). */
const AGENT_VARIABLE = /AGENT|STATSD|JAEGER|ZIPKIN|EXPORTER|COLLECTOR|TRACE|TRACING|ENDPOINT|DATADOG|^DD_|FLUENT|LOGSTASH|SYSLOG/i;

/**
 * The node's IP is used to reach an agent on the node: the variable is named for one, or another variable
 * builds an address from it (`http://$(HOST_IP):4317`). Otherwise it is a fact the app records (a certificate
 * SAN, an advertised address, a label), which needs no agent.
 */
function reachesAgent(name: string, envValues: readonly string[]): boolean {
  return AGENT_VARIABLE.test(name) || envValues.some((v) => v.includes(`$(${name})`));
}

export function hostEntry(value: string): { name: string; target: string } | undefined {
  const entry = value.trim();
  const m = /^([^:=\s]+)\s*[:=]/.exec(entry);
  const target = m && entry.slice(m[0].length).trimStart();
  return m && target && !hasLineBreak(target) ? { name: m[1], target } : undefined;
}

export default defineRule({
  id: 'host-daemon-address',
  title: "Talks to a daemon on the container's host",
  category: 'host-daemon',
  principle: 'backing-services',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: "`host.docker.internal`, `host-gateway` and the docker0 address `172.17.0.1` reach whatever runs on the machine hosting the container — usually a database or agent started by hand on a developer laptop. In production there is no such daemon (or a different one on every node), so the service fails, or silently depends on one host. Backing services should be attached resources: their own service, addressed by name through configuration.",
    bad: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    environment:\n      DATABASE_HOST: host.docker.internal\n    extra_hosts:\n      - "host.docker.internal:host-gateway"' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    environment:\n      DATABASE_HOST: ${DATABASE_HOST:-db}\n  db:\n    image: postgres:16.2' },
    notes: 'Checks Compose `extra_hosts` mapping to `host-gateway` or the docker0 gateway, environment values and runtime commands (Compose `command`/`entrypoint`, Dockerfile ENV and the shipped image\'s CMD/ENTRYPOINT, Kubernetes `env`, `command`, `args`) naming `host.docker.internal`, `gateway.docker.internal`, `host.containers.internal` or `172.17.0.1`. Defaults inside `${VAR:-...}` are not judged. RUN steps are build time and not checked. Kubernetes env from `fieldRef: status.hostIP` (the node agent pattern) is reported as info: a Service with `internalTrafficPolicy: Local` does the same without pinning the address.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const stage of model.stages) {
        if (!stage.ships) continue;
        for (const ins of stage.instructions) if (ins.keyword === 'ENV') checkEnv(ins.properties, 'ENV', model.source, ctx);
      }
      for (const ins of runtimeInstructions(model)) checkCommands(commandsOf(ins, model.source), ins.keyword, model.source, ctx);
    },
    compose(model, ctx) {
      for (const svc of model.services) {
        for (const h of svc.extraHosts) {
          const entry = hostEntry(h.value);
          if (!entry || h.dynamic) continue;
          const { name, target } = entry;
          if (target !== 'host-gateway' && !findHostAddress(target)) continue;
          ctx.report({
            range: h.range,
            message: `Service "${svc.name}" maps "${name}" to the Docker host (${target}) in extra_hosts, so it talks to a daemon on the machine running the container. ${ADVICE}`,
          });
        }
        checkEnv(svc.environment, `Service "${svc.name}" variable`, model.source, ctx);
        if (svc.command) checkCommands(openShellScripts(svc.command.commands, model.source), `Service "${svc.name}" command`, model.source, ctx);
        if (svc.entrypoint) checkCommands(openShellScripts(svc.entrypoint.commands, model.source), `Service "${svc.name}" entrypoint`, model.source, ctx);
      }
    },
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        // Node agents (DaemonSets, host-network pods: exporters, log shippers, CNI/CSI) read their node's address by design.
        const nodeAgent = pod.obj.workload?.pods === 'per-node' || pod.spec.get('hostNetwork')?.bool()?.value === true;
        for (const c of pod.containers) {
          const envValues = (c.raw.get('env')?.items() ?? []).map((e) => e.get('value')?.str()?.value ?? '');
          for (const e of c.raw.get('env')?.items() ?? []) {
            const name = e.get('name')?.str()?.value ?? '';
            const value = e.get('value')?.str();
            if (value) checkEnv([{ name, nameRange: value.range, value: value.value, valueRange: value.range, range: e.range, dynamic: value.dynamic }], `Container "${c.name}" env`, model.source, ctx);
            const fieldPath = e.get('valueFrom')?.get('fieldRef')?.get('fieldPath')?.str();
            if ((fieldPath?.value === 'status.hostIP' || fieldPath?.value === 'status.hostIPs') && !nodeAgent && reachesAgent(name, envValues)) {
              ctx.report({
                range: fieldPath.range, severity: 'info',
                message: `Container "${c.name}" env ${name} is the node's IP (${fieldPath.value}): the app talks to a daemon on its node, usually an agent reached through hostPort, and fails on nodes without it. A Service with \`internalTrafficPolicy: Local\` reaches a node-local agent without pinning the node address.`,
              });
            }
          }
          checkCommands(containerCommands(c.raw, model.source), `Container "${c.name}"`, model.source, ctx);
        }
      }
    },
  },
});
