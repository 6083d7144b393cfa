import { defineRule } from '../../engine/rule';
import type { ComposePort } from '../../model/compose';
import { isProxyImage } from '../../knowledge/web-tier';
import { backingServiceOf, composeOneShot, serviceImage } from '../backing-services/service-facts';
import { composeReplicas, isOwnApp } from './replicas';

/** A single literal host port (`8080:80`, `127.0.0.1:8080:80`, long syntax `published: 8080`). */
function fixedHostPort(p: ComposePort): string | undefined {
  if (p.dynamic || !p.published || !p.target) return undefined;
  const pub = p.published.trim();
  return /^\d+$/.test(pub) ? pub : undefined;
}

export default defineRule({
  id: 'fixed-host-port',
  title: 'Fixed host port on a scalable Compose service',
  category: 'scaling',
  principle: 'concurrency',
  severity: 'info',
  set: 'strict',
  setReason: 'Taste: most Compose services are not meant to be scaled with --scale.',
  fix: 'none',
  peers: { dclint: ['no-duplicate-exported-ports'] },
  docs: {
    why: 'A host port can be bound by one container only. A service that publishes a fixed host port (`"8080:8080"`) cannot be scaled: the second replica of `docker compose up --scale` or `deploy.replicas` fails with "port is already allocated", and a rolling replacement must stop the old container before the new one can start. Put a reverse proxy (or a load balancer) on the host port and let it reach the replicas by service name, or publish a port range.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    ports:\n      - "8080:8080"' },
    good: { lang: 'yaml', code: 'services:\n  proxy:\n    image: nginx:1.27-alpine\n    ports:\n      - "80:80"\n  api:\n    image: shop/api:1.4.2\n    expose:\n      - "8080"' },
    notes: 'One finding per service, on its first fixed host port. With `deploy.replicas` (or `scale`) above 1 the second replica cannot start: warning. Only the project\'s own services are judged: built here (`build:`) or pulled from a private registry; public images (grafana, pihole, wireguard, a game server) are appliances run as one instance. Not flagged: port ranges (`"8000-8009:8080"`), container-only ports (`"8080"`, a random host port), ports with variables, reverse proxies and gateways (publishing the host port is their job), datastores, caches and queues (not scaled this way; database-port-published judges their exposure), one-shot services, and services that write to a named volume (not stateless). Kubernetes `hostPort` is reported by host-port.',
  },
  check: {
    compose(model, ctx) {
      for (const s of model.services) {
        const port = s.ports.find((p) => fixedHostPort(p));
        if (!port) continue;
        const host = fixedHostPort(port)!;
        const replicas = composeReplicas(s);
        if (replicas && replicas.value > 1) {
          ctx.report({
            range: port.range, severity: 'warning',
            message: `Service "${s.name}" runs ${replicas.value} replicas but publishes the fixed host port ${host}: only one container can bind it, so the other replicas fail with "port is already allocated". Publish a range (e.g. "${host}-${Number(host) + replicas.value - 1}:${port.target}") or put a reverse proxy in front.`,
          });
          continue;
        }
        const image = serviceImage(s, ctx);
        if (!isOwnApp(s) || backingServiceOf(s, ctx) || (image && isProxyImage(image)) || composeOneShot(model, s, ctx)) continue;
        if (s.volumes.some((v) => v.type === 'volume' && !v.anonymous && !v.readOnly)) continue;
        ctx.report({
          range: port.range,
          message: `Service "${s.name}" publishes the fixed host port ${host}: only one container can bind it, so \`docker compose up --scale ${s.name}=2\` fails with "port is already allocated". To run several copies, put a reverse proxy on the host port and reach "${s.name}" by service name, or publish a range.`,
        });
      }
    },
  },
});
