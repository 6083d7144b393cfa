import { defineRule, Fix, TextEdit } from '../../engine/rule';
import type { ComposeModel, ComposeService } from '../../model/compose';
import type { Range, SourceText } from '../../model/range';
import type { YView } from '../../parse/yaml-view';
import { appendToMap, eolOf, keyColumn, ownEntries } from '../backing-services/yaml-edit';
import { schemeStart } from '../../knowledge/text';

/** Variables whose whole value is a host name (or a list of `host[:port]`). */
const HOST_NAME = /(?:^|_)(?:HOST|HOSTS|HOSTNAME|SERVER|SERVERS|ADDR|ADDRESS)$/i;
/** A URL's authority after `://`; its scheme (`\b[a-z][a-z0-9+.-]*`) is read back from the `://` (schemeStart). */
const AUTHORITY = /:\/\/([^\s/?#]+)/g;
const HOST_PORT = /^([A-Za-z0-9][A-Za-z0-9_.-]*):\d{1,5}$/;

/** Hosts a value points at: URL authorities (`scheme://user:pw@host:port,host2/...`), `host:port` lists, and bare names for *_HOST variables. */
export function hostsIn(value: string, wholeValueIsHost: boolean): string[] {
  const out: string[] = [];
  AUTHORITY.lastIndex = 0;
  for (let m = AUTHORITY.exec(value); m; m = AUTHORITY.exec(value)) {
    // Without a scheme this `://` is not a URL, and its "authority" may hold the next URL's scheme.
    if (schemeStart(value, m.index, true) < 0) { AUTHORITY.lastIndex = m.index + 1; continue; }
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

/** The services this one names directly: `depends_on`, `links`, `network_mode: service:x`. */
function directDependencies(s: ComposeService): string[] {
  const out = s.dependsOn.map((d) => d.name);
  for (const l of s.raw.get('links')?.items() ?? []) { const v = l.str()?.value; if (v) out.push(v.split(':')[0]); }
  const nm = /^(?:service|container):(.+)$/.exec(s.raw.get('network_mode')?.str()?.value ?? '');
  if (nm) out.push(nm[1]);
  return out;
}

/**
 * Whether `target` is started before `service` (a declared dependency, followed transitively). Searched
 * per question with an early exit: a full closure per service is quadratic in chained services.
 */
function startsBefore(service: ComposeService, target: string, byName: Map<string, ComposeService>, direct: (s: ComposeService) => string[]): boolean {
  const first = direct(service);
  if (first.includes(target)) return true;
  const seen = new Set<string>();
  const queue = [...first];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i];
    if (n === target) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    const s = byName.get(n);
    if (s) queue.push(...direct(s));
  }
  return false;
}

/** `directDependencies`, computed once per service of a check. */
function memoDirect(): (s: ComposeService) => string[] {
  const memo = new Map<ComposeService, string[]>();
  return (s) => memo.get(s) ?? memo.set(s, directDependencies(s)).get(s)!;
}

type Condition = 'service_started' | 'service_healthy';

/** Columns a file indents by: a mapping's keys below their parent key, and a block list's dashes below theirs. */
function indentation(model: ComposeModel): { step: number; dash: number } {
  const src = model.source;
  let step: number | undefined;
  let dash: number | undefined;
  for (const s of model.services) {
    const col = keyColumn(src, s.raw);
    if (step === undefined && col !== undefined && col > s.keyRange.start.character) step = col - s.keyRange.start.character;
    for (const e of ownEntries(s.raw)) {
      const first = e.value.isSeq ? e.value.items()[0] : undefined;
      if (dash !== undefined || !first || src.text[src.offsetAt(e.value.range.start)] === '[') continue;
      const m = /^( *)- /.exec(src.lineText(first.range.start.line));
      if (m && first.range.start.line > e.keyRange.start.line && m[1].length >= e.keyRange.start.character) dash = m[1].length - e.keyRange.start.character;
    }
  }
  return { step: step ?? 2, dash: dash ?? step ?? 2 };
}

function insert(src: SourceText, offset: number, text: string): TextEdit {
  const p = src.positionAt(offset);
  return { range: { start: p, end: p }, newText: text };
}

/**
 * The edit that adds `target` to the service's `depends_on`: a new `- target` in a list (block or flow),
 * a new `target: {condition}` entry in the long form, or a new `depends_on:` in the style the file's other
 * services use (the long form when a condition other than service_started is wanted). Undefined for
 * layouts that cannot take an exact edit (flow maps, an empty key, `depends_on` merged in from an anchor).
 */
function dependsOnEdit(model: ComposeModel, s: ComposeService, target: string, condition: Condition): TextEdit | undefined {
  const src = model.source;
  const eol = eolOf(src.text);
  const { step, dash } = indentation(model);
  const own = ownEntries(s.raw).find((e) => e.key === 'depends_on');
  if (!own) {
    if (s.raw.has('depends_on')) return undefined;
    const longForm = condition !== 'service_started' || model.services.some((o) => o.raw.get('depends_on')?.isMap);
    const pad = ' '.repeat(step);
    const lines = longForm
      ? ['depends_on:', `${pad}${target}:`, `${pad}${pad}condition: ${condition}`]
      : ['depends_on:', `${' '.repeat(dash)}- ${target}`];
    return appendToMap(src, s.raw, lines);
  }
  const deps: YView = own.value;
  if (deps.isSeq) {
    if (condition !== 'service_started') return undefined;
    const items = deps.items();
    if (src.text[src.offsetAt(deps.range.start)] === '[') {
      if (!items.length) return insert(src, src.offsetAt(deps.range.end) - 1, target);
      return insert(src, src.offsetAt(items[items.length - 1].range.end), `, ${target}`);
    }
    if (!items.length || items.some((i) => !i.str() || i.range.start.line !== i.range.end.line)) return undefined;
    const m = /^( *)- /.exec(src.lineText(items[0].range.start.line));
    if (!m) return undefined;
    const last = items[items.length - 1];
    return insert(src, src.lineEnd(last.range.start.line), `${eol}${m[1]}- ${target}`);
  }
  if (!deps.isMap) return undefined;
  const col = keyColumn(src, deps);
  if (col === undefined) return undefined;
  const nested = ownEntries(deps).map((e) => keyColumn(src, e.value)).find((c): c is number => c !== undefined && c > col);
  return appendToMap(src, deps, [`${target}:`, `${' '.repeat(nested !== undefined ? nested - col : step)}condition: ${condition}`]);
}

/** The profiles a service is listed under. */
function profilesOf(s: ComposeService): string[] {
  return (s.raw.get('profiles')?.items() ?? []).map((i) => i.str()?.value ?? '');
}

function dependsOnFixes(model: ComposeModel, s: ComposeService, target: ComposeService, byName: Map<string, ComposeService>): Fix[] {
  // A dependency back to this service would make a cycle, which Compose refuses to start.
  if (model.templated || startsBefore(target, s.name, byName, memoDirect())) return [];
  // A dependency whose profile is not active with this service's: `up` reports it missing.
  const mine = profilesOf(s), theirs = profilesOf(target);
  const profiled = theirs.length > 0 && (!mine.length || mine.some((p) => !theirs.includes(p)));
  const out: Fix[] = [];
  const started = dependsOnEdit(model, s, target.name, 'service_started');
  if (started) out.push({ title: `Add "${target.name}" to the depends_on of "${s.name}"`, safety: profiled ? 'unsafe' : 'safe', edits: [started] });
  if (target.raw.has('healthcheck')) {
    const healthy = dependsOnEdit(model, s, target.name, 'service_healthy');
    if (healthy) out.push({ title: `Add "${target.name}" to the depends_on of "${s.name}" with condition: service_healthy`, safety: 'unsafe', edits: [healthy] });
  }
  return out;
}

export default defineRule({
  id: 'undeclared-service-dependency',
  title: 'Service connects to another service it does not depend on',
  category: 'dependencies',
  principle: 'backing-services',
  severity: 'warning',
  fix: 'safe',
  peers: {},
  docs: {
    why: 'A service whose configuration points at another service of the same file (`DATABASE_URL=postgres://...@db/app`, `REDIS_HOST=cache`) needs it, but Compose only knows that from `depends_on`. Without it, `docker compose up api` does not start the database at all, `up` may start the application first so its first connections fail, and readers of the file cannot see the dependency graph. Declaring it (with `condition: service_healthy` when the dependency has a healthcheck) makes start-up order and partial starts correct.',
    bad: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    environment:\n      DATABASE_URL: postgres://shop:${DB_PASSWORD}@db:5432/shop\n  db:\n    image: postgres:16.2' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2\n    environment:\n      DATABASE_URL: postgres://shop:${DB_PASSWORD}@db:5432/shop\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:16.2\n    healthcheck:\n      test: ["CMD", "pg_isready", "-U", "shop"]' },
    notes: 'Reads `environment:` values and `command:` words. A reference is the host part of a URL, a `host:port` value (or comma-separated list), or the whole value of a variable named `*_HOST`, `*_HOSTNAME`, `*_SERVER`, `*_ADDR`, `*_ADDRESS` (and plurals); it must equal a service name, `hostname`, `container_name` or network alias exactly (`db.example.com` is not `db`). `depends_on`, `links` and `network_mode: service:x` count as declarations, also transitively (if `api` depends on `worker` which depends on `db`, `db` is started first). Hosts built from variables are ignored. The quick fix adds the service to `depends_on` in the form already there (`- db` in a list, `db: condition: service_started` in the long form) or, when `depends_on` is missing, creates it in the style the file\'s other services use (a list by default). It is safe: it only adds a start-order edge the configuration already needs. A second, unsafe fix adds `condition: service_healthy` when the dependency has a healthcheck (the start then waits for it, and blocks if it never passes). No fix when the dependency already depends on this service (a cycle Compose refuses), when `depends_on` comes from a YAML anchor (`<<:`) or is a flow map; the fix is unsafe when the dependency is in a profile this service does not share.',
  },
  check: {
    compose(model, ctx) {
      const names = hostnames(model.services);
      const byName = new Map(model.services.map((s) => [s.name, s]));
      const direct = memoDirect();
      for (const s of model.services) {
        const deps = { has: (target: string) => startsBefore(s, target, byName, direct) };
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
              fix: () => dependsOnFixes(model, s, other, byName),
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
