/**
 * A Redis that accepts anyone (database-auth-disabled): an image that starts without a password, no
 * access control in its command, and a port reachable from outside its network.
 */
import type { RelatedInfo, RuleContext } from '../../engine/rule';
import type { ComposeModel, ComposeService } from '../../model/compose';
import type { KubeContainer, KubeObject, KubernetesModel } from '../../model/kubernetes';
import type { Range } from '../../model/range';
import { isOpenRedisImage, redisAccessControl, redisPort, RunFacts } from '../../knowledge/datastores';
import { composeFacts, kubeFacts } from '../state/mounts';
import { composeOneShot } from '../backing-services/service-facts';
import { podLabels } from '../backing-services/missing-probes';
import { projectObjects } from '../../workspace/project';

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '[::]']);

export interface OpenRedis { range: Range; exposure: string; related: RelatedInfo[]; note: string }

/** Variables users set expecting a password that the official images never read. */
function ignoredPasswordNote(facts: RunFacts): string {
  const name = ['REDIS_PASSWORD', 'REDIS_PASS', 'VALKEY_PASSWORD'].find((n) => facts.env.has(n));
  return name ? ` (${name} is not read by this image: only \`--requirepass\` or a configuration file sets a password)` : '';
}

export function composeOpenRedis(model: ComposeModel, s: ComposeService, ctx: RuleContext): OpenRedis | undefined {
  if (!s.image || s.build || !isOpenRedisImage(s.image) || composeOneShot(model, s, ctx)) return undefined;
  const facts = composeFacts(s);
  const port = redisPort(facts);
  // redis-stack reads a mounted /redis-stack.conf.
  if (port === undefined || redisAccessControl(facts) || s.volumes.some((v) => v.target && /\.conf$/.test(v.target.value) && v.target.value.includes('redis-stack'))) return undefined;
  const networkMode = s.raw.entry('network_mode');
  if (networkMode?.value.str()?.value === 'host') {
    return { range: s.image.range, exposure: `shares the host's network (\`network_mode: host\`), so port ${port} listens on every interface of the host`, related: [{ message: 'Host network here', range: networkMode.range }], note: ignoredPasswordNote(facts) };
  }
  const open = s.ports.filter((p) => !p.dynamic && p.target !== undefined && Number(p.target.replace(/\/tcp$/i, '')) === port && (!p.hostIp || ALL_INTERFACES.has(p.hostIp)));
  if (!open.length) return undefined;
  const host = open[0].published ? `host port ${open[0].published}` : 'a random host port';
  return {
    range: s.image.range, exposure: `publishes port ${port} on ${host} of every interface`,
    related: open.map((p) => ({ message: 'Published here', range: p.range })), note: ignoredPasswordNote(facts),
  };
}

function servicePorts(svc: KubeObject): { port?: number; targetPort?: string | number }[] {
  return (svc.raw.get('spec')?.get('ports')?.items() ?? []).map((p) => {
    const target = p.get('targetPort');
    return { port: p.get('port')?.num()?.value, targetPort: target?.num()?.value ?? target?.str()?.value };
  });
}

/** Services of the project that select the pod and open it outside the cluster network. */
function externalServices(model: KubernetesModel, obj: KubeObject, c: KubeContainer, port: number, ctx: RuleContext): KubeObject[] {
  const labels = podLabels(obj);
  if (!labels?.size) return [];
  const names = new Set(c.raw.get('ports')?.items().filter((p) => p.get('containerPort')?.num()?.value === port).map((p) => p.get('name')?.str()?.value).filter((n): n is string => !!n));
  return projectObjects(model, ctx).filter((svc) => {
    if (svc.kind !== 'Service' || (svc.namespace ?? '') !== (obj.namespace ?? '')) return false;
    const type = svc.raw.get('spec')?.get('type')?.str();
    if (!type || type.dynamic || (type.value !== 'LoadBalancer' && type.value !== 'NodePort')) return false;
    const selector = svc.raw.get('spec')?.get('selector');
    const entries = selector?.isMap ? selector.entries() : [];
    if (!entries.length || !entries.every((e) => labels.get(e.key) === e.value.str()?.value)) return false;
    return servicePorts(svc).some((p) => (p.targetPort ?? p.port) === port || (typeof p.targetPort === 'string' && (names.has(p.targetPort) || p.targetPort === String(port))));
  });
}

export function kubeOpenRedis(model: KubernetesModel, obj: KubeObject, c: KubeContainer, ctx: RuleContext): OpenRedis | undefined {
  if (!c.image || !isOpenRedisImage(c.image)) return undefined;
  const facts = kubeFacts(c);
  const port = redisPort(facts);
  if (port === undefined || redisAccessControl(facts)) return undefined;
  const note = ignoredPasswordNote(facts);
  const hostNetwork = obj.workload!.podSpec.raw.entry('hostNetwork');
  if (hostNetwork?.value.bool()?.value === true) {
    return { range: c.image.range, exposure: `runs in the node's network (\`hostNetwork: true\`), so port ${port} listens on every interface of the node`, related: [{ message: 'Host network here', range: hostNetwork.range }], note };
  }
  const hostPort = c.ports.find((p) => p.containerPort?.value === port && p.hostPort && !p.hostPort.dynamic && p.hostPort.value > 0)?.hostPort;
  if (hostPort) return { range: c.image.range, exposure: `binds port ${port} on its node as hostPort ${hostPort.value}`, related: [{ message: 'hostPort here', range: hostPort.range }], note };
  const services = externalServices(model, obj, c, port, ctx);
  if (!services.length) return undefined;
  const svc = services[0];
  const type = svc.raw.get('spec')?.get('type')?.str();
  const inFile = model.objects.includes(svc);
  return {
    range: c.image.range,
    exposure: `is exposed outside the cluster by Service "${svc.name ?? ''}" of type ${type?.value}`,
    related: inFile && type ? [{ message: `Service of type ${type.value}`, range: type.range }] : [], note,
  };
}
