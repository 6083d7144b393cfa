import { defineRule } from '../../engine/rule';
import type { ComposeService } from '../../model/compose';
import type { Range } from '../../model/range';

/** Variables whose whole value is a host name (or a list of `host[:port]`). */
const HOST_NAME = /(?:^|_)(?:HOST|HOSTS|HOSTNAME|SERVER|SERVERS|ADDR|ADDRESS)$/i;
const URL = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/?#]+)/gi;
const HOST_PORT = /^([A-Za-z0-9][A-Za-z0-9_.-]*):\d{1,5}$/;

/** Hosts a value points at: URL authorities (`scheme://user:pw@host:port,host2/...`), `host:port` lists, and bare names for *_HOST variables. */
export function hostsIn(value: string, wholeValueIsHost: boolean): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(URL)) {
    const authority = m[1].slice(m[1].lastIndexOf('@') + 1);
    for (const hp of authority.split(',')) out.push(hp.replace(/:[^:]*$/, ''));
  }
  for (const item of value.split(/[,\s]+/)) {
    const hp = HOST_PORT.exec(item);
    if (hp) out.push(hp[1]);
    else if (wholeValueIsHost && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(item)) out.push(item);
  }
  return [...new Set(out.filter((h) => h && !/[${}]/.test(h)).map((h) => h.toLowerCase()))];
}

/** Every name another container can use to reach a service: its name, `hostname`, `container_name`, network aliases. */
function hostnames(services: ComposeService[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const s of services) {
    const names = [s.name, s.raw.get('hostname')?.str()?.value, s.raw.get('container_name')?.str()?.value];
    for (const n of s.raw.get('networks')?.entries() ?? []) for (const a of n.value.get('aliases')?.items() ?? []) names.push(a.str()?.value);
    for (const n of names) if (n && !map.has(n.toLowerCase())) map.set(n.toLowerCase(), s.name);
  }
  return map;
}

/** Services started before this one: `depends_on`, `links`, `network_mode: service:x`, followed transitively. */
function declared(service: ComposeService, byName: Map<string, ComposeService>): Set<string> {
  const seen = new Set<string>();
  const direct = (s: ComposeService): string[] => {
    const out = s.dependsOn.map((d) => d.name);
    for (const l of s.raw.get('links')?.items() ?? []) { const v = l.str()?.value; if (v) out.push(v.split(':')[0]); }
    const nm = /^(?:service|container):(.+)$/.exec(s.raw.get('network_mode')?.str()?.value ?? '');
    if (nm) out.push(nm[1]);
    return out;
  };
  const queue = direct(service);
  while (queue.length) {
    const n = queue.shift()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const s = byName.get(n);
    if (s) queue.push(...direct(s));
  }
  return seen;
}

export default defineRule({
  id: 'undeclared-service-dependency',
  title: 'Service connects to another service it does not depend on',
  category: 'dependencies',
  principle: 'backing-services',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'A service whose configuration points at another service of the same file (`DATABASE_URL=postgres://...@db/app`, `REDIS_HOST=cache`) needs it, but Compose only knows that from `depends_on`. Without it, `docker compose up api` does not start the database at all, `up` may start the application first so its first connections fail, and readers of the file cannot see the dependency graph. Declaring it (with `condition: service_healthy` when the dependency has a healthcheck) makes start-up order and partial starts correct.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    environment:\n      DATABASE_URL: postgres://shop:${DB_PASSWORD}@db:5432/shop\n  db:\n    image: postgres:16.2' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    environment:\n      DATABASE_URL: postgres://shop:${DB_PASSWORD}@db:5432/shop\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:16.2\n    healthcheck:\n      test: ["CMD", "pg_isready", "-U", "shop"]' },
    notes: 'Reads `environment:` values and `command:` words. A reference is the host part of a URL, a `host:port` value (or comma-separated list), or the whole value of a variable named `*_HOST`, `*_HOSTNAME`, `*_SERVER`, `*_ADDR`, `*_ADDRESS` (and plurals); it must equal a service name, `hostname`, `container_name` or network alias exactly (`db.example.com` is not `db`). `depends_on`, `links` and `network_mode: service:x` count as declarations, also transitively (if `api` depends on `worker` which depends on `db`, `db` is started first). Hosts built from variables are ignored.',
  },
  check: {
    compose(model, ctx) {
      const names = hostnames(model.services);
      const byName = new Map(model.services.map((s) => [s.name, s]));
      for (const s of model.services) {
        const deps = declared(s, byName);
        const reported = new Set<string>();
        const consider = (value: string, wholeIsHost: boolean, range: Range, what: string) => {
          for (const host of hostsIn(value, wholeIsHost)) {
            const target = names.get(host);
            if (!target || target === s.name || deps.has(target) || reported.has(`${target}@${what}`)) continue;
            reported.add(`${target}@${what}`);
            const other = byName.get(target)!;
            ctx.report({
              range,
              message: `Service "${s.name}" connects to service "${target}" (${host === target.toLowerCase() ? what : `as "${host}", ${what}`}) but does not list it in depends_on, so Compose may start "${s.name}" first or without "${target}". Add "${target}" under depends_on${other.raw.has('healthcheck') ? ' with condition: service_healthy' : ''}.`,
              related: [{ message: `Service "${target}" is defined here`, range: other.keyRange }],
            });
          }
        };
        for (const e of s.environment) {
          if (e.value !== undefined && e.valueRange) consider(e.value, HOST_NAME.test(e.name), e.valueRange, e.name);
        }
        for (const cmd of s.command?.commands ?? []) {
          for (const w of cmd.words) consider(w.text, false, model.source.range(w.start, w.end), 'in its command');
        }
      }
    },
  },
});
