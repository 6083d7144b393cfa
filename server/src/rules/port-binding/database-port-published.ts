import * as nodePath from 'path';
import { defineRule, Fix } from '../../engine/rule';
import type { ComposeModel, ComposePort, ComposeService } from '../../model/compose';
import { comparePos } from '../../model/range';
import { appendToMap } from '../backing-services/yaml-edit';
import { backingServiceOf, composeOneShot, serviceImage } from '../backing-services/service-facts';

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '[::]']);
const TEST_NAME = /(?:^|[._-])(?:test|tests|testing|ci|e2e|it)(?:[._-]|$)/i;

function loopbackFix(model: ComposeModel, s: ComposeService, p: ComposePort): Fix | undefined {
  const title = `Publish "${s.name}" on 127.0.0.1 only`;
  const src = model.source;
  const item = s.raw.get('ports')?.items().find((i) => comparePos(i.range.start, p.range.start) === 0);
  if (!item) return undefined;
  if (item.isMap) {
    if (item.has('host_ip')) return undefined;
    const edit = appendToMap(src, item, ['host_ip: 127.0.0.1']);
    return edit && { title, safety: 'unsafe', edits: [edit] };
  }
  let start = src.offsetAt(p.range.start);
  if (src.text[start] === '"' || src.text[start] === '\'') start++;
  const raw = item.str()?.value ?? '';
  if (src.text.slice(start, start + raw.length) !== raw) return undefined;
  if (p.hostIp) {
    if (!raw.startsWith(p.hostIp + ':')) return undefined;
    return { title, safety: 'unsafe', edits: [{ range: src.range(start, start + p.hostIp.length), newText: '127.0.0.1' }] };
  }
  // `"5432"` publishes on a random host port: keep it random, on loopback (`127.0.0.1::5432`).
  const prefix = p.published ? '127.0.0.1:' : '127.0.0.1::';
  const pos = src.positionAt(start);
  return { title, safety: 'unsafe', edits: [{ range: { start: pos, end: pos }, newText: prefix }] };
}

export default defineRule({
  id: 'database-port-published',
  title: 'Datastore port published on all interfaces',
  category: 'port-binding',
  principle: 'backing-services',
  severity: 'warning',
  fix: 'unsafe',
  peers: { kics: ['container_traffic_not_bound_to_host_interface'], dclint: ['no-unbound-port-interfaces'] },
  docs: {
    why: 'A database, cache or queue is a backing service for the apps on its network, which reach it by service name without any published port. Publishing its port without a host address binds it on every interface of the host: it is reachable from the LAN or the internet, often with a default or sample password, and Docker\'s own iptables rules put it in front of host firewalls such as ufw. Bots scan for open PostgreSQL, Redis, MongoDB and Elasticsearch ports within minutes.',
    bad: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.2\n    ports:\n      - "5432:5432"' },
    good: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.2\n    ports:\n      - "127.0.0.1:5432:5432"   # local tools only; apps use db:5432' },
    notes: 'Datastores, caches and queues are recognised by image (the datastore table: PostgreSQL, MySQL, MariaDB, MongoDB, Redis/Valkey, Elasticsearch, RabbitMQ, Kafka, ...; memcached), including Compose services built FROM one of them. Flags `ports` entries without a host address or with `0.0.0.0`/`::`; a specific address (`127.0.0.1:`, a private interface IP) is accepted, as is `expose:`. Entries with variables, one-shot client containers and services listed in `oneShot` are skipped; in test/CI Compose files or services the finding is info. KICS\' container_traffic_not_bound_to_host_interface flags every published port; this rule only backing services, whose ports should never face the network. The quick fix binds the port to 127.0.0.1; it is unsafe because clients on other machines lose access.',
  },
  check: {
    compose(model, ctx) {
      const testFile = TEST_NAME.test(nodePath.basename(ctx.path));
      for (const s of model.services) {
        const store = backingServiceOf(s, ctx);
        if (!store || composeOneShot(model, s, ctx)) continue;
        const image = serviceImage(s, ctx);
        for (const p of s.ports) {
          if (p.dynamic || !p.target) continue;
          if (p.hostIp && !ALL_INTERFACES.has(p.hostIp)) continue;
          const host = p.published ? `host port ${p.published}` : 'a random host port';
          ctx.report({
            range: p.range, severity: testFile || TEST_NAME.test(s.name) ? 'info' : undefined,
            message: `Service "${s.name}" (${image?.repository ?? store}) publishes its port ${p.target} on ${host} of every interface: anyone who can reach the host can connect, and Docker's iptables rules bypass host firewalls such as ufw. Other services reach it as "${s.name}:${p.target}" without publishing; for local tools bind it to 127.0.0.1 ("127.0.0.1:${p.published ?? ''}:${p.target}").`,
            fix: () => loopbackFix(model, s, p),
          });
        }
      }
    },
  },
});
