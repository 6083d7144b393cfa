import { defineRule } from '../../engine/rule';
import { isProxyImage } from '../../knowledge/web-tier';
import { backingServiceOf, composeOneShot, serviceImage } from '../backing-services/service-facts';
import { deleteLineFix } from '../host-daemon/shared';
import { composeReplicas, isOwnApp } from './replicas';

export default defineRule({
  id: 'fixed-container-name',
  title: 'container_name blocks scaling a Compose service',
  category: 'scaling',
  principle: 'concurrency',
  severity: 'info',
  set: 'strict', setReason: 'Taste: `container_name` only matters for services that are scaled to several replicas, which most Compose projects never do.',
  fix: 'unsafe',
  peers: { dclint: ['no-duplicate-container-names', 'service-container-name-regex'] },
  docs: {
    why: 'Container names are unique per Docker host. With `container_name` set, `docker compose up --scale api=3` and `deploy.replicas` fail ("container name is already in use"), a second copy of the project (another branch, a CI run, a blue/green switch) cannot start beside the first, and recreating the service must remove the old container before the new one exists. Compose already names containers `<project>-<service>-<n>`, and other services reach it by its service name.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    container_name: shop-api' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2' },
    notes: 'With `deploy.replicas` above 1 Compose refuses the file, and the finding is an error. Otherwise only the project\'s own services are judged: built here (`build:`) or pulled from a private registry; public images (portainer, plex, grafana, ...) are appliances run as one instance, where a fixed name is a convenience. Not flagged: datastores, caches and queues and reverse proxies (which are not scaled out this way), one-shot services (migrations, seeders, tools profiles, `oneShot`), and names with variables. The quick fix removes the line; it is unsafe because scripts (`docker exec shop-api ...`), monitoring and other containers may use the name.',
  },
  check: {
    compose(model, ctx) {
      for (const s of model.services) {
        const e = s.raw.entry('container_name');
        const name = e?.value.str();
        if (!e || !name || name.dynamic) continue;
        const replicas = composeReplicas(s);
        const fix = () => deleteLineFix(model.source, e, `Remove container_name "${name.value}"`);
        if (replicas && replicas.value > 1) {
          ctx.report({
            range: e.range, severity: 'error', fix,
            message: `Service "${s.name}" sets container_name "${name.value}" and deploy.replicas ${replicas.value}: container names are unique, so Compose refuses to create the replicas. Remove container_name.`,
          });
          continue;
        }
        const image = serviceImage(s, ctx);
        if (!isOwnApp(s) || backingServiceOf(s, ctx) || (image && isProxyImage(image)) || composeOneShot(model, s, ctx)) continue;
        ctx.report({
          range: e.range, fix,
          message: `Service "${s.name}" sets container_name "${name.value}": container names are unique per host, so \`docker compose up --scale ${s.name}=2\` fails and a second copy of the project cannot run beside this one. Remove it; other services reach this one by its service name "${s.name}".`,
        });
      }
    },
  },
});
