/**
 * What differs between deploys: framework switches that select a development mode, words that name
 * an environment, and addresses of backing services that only exist in one environment. Facts only;
 * the config rules decide what to report.
 */

/** Variables that select a framework's environment; the value that means "production" for each. */
export const MODE_VARS: Record<string, string> = {
  NODE_ENV: 'production', APP_ENV: 'production', RAILS_ENV: 'production', RACK_ENV: 'production', FLASK_ENV: 'production',
  ASPNETCORE_ENVIRONMENT: 'Production', DOTNET_ENVIRONMENT: 'Production', MIX_ENV: 'prod', ENVIRONMENT: 'production',
  SPRING_PROFILES_ACTIVE: 'prod', QUARKUS_PROFILE: 'prod', MICRONAUT_ENVIRONMENTS: 'prod', DJANGO_ENV: 'production', GO_ENV: 'production',
};
/** Values of MODE_VARS that mean a development or debug mode. */
export const DEV_MODE_VALUE = /^(?:dev|devel|develop|development|debug|local)$/i;

/** Switches that turn on debug behaviour (interactive debuggers, stack traces, auto-reload) when true. */
export const DEBUG_FLAGS = new Set(['FLASK_DEBUG', 'DJANGO_DEBUG', 'APP_DEBUG', 'DEBUG', 'RAILS_DEVELOPMENT_HOSTS_DEBUG', 'WP_DEBUG', 'PHP_DEBUG']);
export const TRUE_VALUE = /^(?:1|true|yes|on)$/i;
/** Switches whose named value means debug mode: `GIN_MODE=debug`, `XDEBUG_MODE=debug`. */
export const DEBUG_MODE_VARS: Record<string, { bad: RegExp; good: string }> = {
  GIN_MODE: { bad: /^debug$/i, good: 'release' },
  XDEBUG_MODE: { bad: /(?:^|,)(?:debug|develop|profile|trace)(?:,|$)/i, good: 'off' },
};

/** The production value for a development setting, keeping the writing style of booleans. */
export function productionValue(name: string, value: string): string | undefined {
  if (MODE_VARS[name] && DEV_MODE_VALUE.test(value)) return MODE_VARS[name];
  if (DEBUG_FLAGS.has(name) && TRUE_VALUE.test(value)) {
    const off = ({ '1': '0', true: 'false', yes: 'no', on: 'off' } as Record<string, string>)[value.toLowerCase()];
    if (value === value.toUpperCase()) return off.toUpperCase();
    return value[0] === value[0].toUpperCase() ? off[0].toUpperCase() + off.slice(1) : off;
  }
  const m = DEBUG_MODE_VARS[name];
  return m && m.bad.test(value) ? m.good : undefined;
}

/** A word in a file or host name that names one environment (`config.prod.json`, `db.staging.internal`). */
export const ENV_WORD = /(?:^|[._-])(prod|production|staging|stage|stg|preprod|pre-prod|uat|qa|dev|development|test|testing|live|sandbox)(?:[._-]|$)/i;

/** Variable names whose value is the address of a backing service (`DATABASE_URL`, `REDIS_HOST`, `KAFKA_BROKERS`). */
export const ADDRESS_NAME = /(?:^|_)(?:URL|URI|URLS|HOST|HOSTS|HOSTNAME|ADDR|ADDRESS|IP|ENDPOINT|ENDPOINTS|DSN|SERVER|SERVERS|BROKERS?|BOOTSTRAP_SERVERS|NODES|CONNECTION_STRING|CONN)$/i;

/** Hosts of managed backing services: one account, one region, one environment. */
const MANAGED_HOST = /\.(?:rds\.amazonaws\.com|cache\.amazonaws\.com|docdb\.amazonaws\.com|es\.amazonaws\.com|mq\.[a-z0-9-]+\.amazonaws\.com|database\.windows\.net|postgres\.database\.azure\.com|mysql\.database\.azure\.com|redis\.cache\.windows\.net|documents\.azure\.com|servicebus\.windows\.net|mongodb\.net|cloud\.redislabs\.com|redns\.redis-cloud\.com|aivencloud\.com|supabase\.co|neon\.tech|psdb\.cloud|upstash\.io|cloudamqp\.com|confluent\.cloud|elastic-cloud\.com|cloud\.es\.io)$/i;
/** Hosts on internal networks: names a cluster, VPC or office resolves, nothing else. */
const INTERNAL_HOST = /\.(?:internal|corp|intranet|lan|private|priv|local|localdomain|svc\.cluster\.local|cluster\.local|consul)$/i;

export interface EnvHost { host: string; why: string; start: number; end: number }

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Why a host is specific to one environment, or undefined for service names, loopback and public names. */
export function hostSpecificity(host: string): string | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  const ip = IPV4.exec(h);
  if (ip) {
    if (ip.slice(1).some((o) => Number(o) > 255)) return undefined;
    const [a, b] = [Number(ip[1]), Number(ip[2])];
    if (a === 127 || a === 0 || (a === 172 && b === 17) || (a === 169 && b === 254)) return undefined;
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ? 'a private IP address of one network' : 'a fixed IP address';
  }
  if (!h.includes('.') || h === 'localhost' || /(?:^|\.)(?:example|test|invalid|localhost)$/.test(h) || /(?:^|\.)example\.(?:com|org|net)$/.test(h)) return undefined;
  if (/^(?:host|gateway)\.docker\.internal$|^host\.containers\.internal$/.test(h)) return undefined;
  if (MANAGED_HOST.test(h)) return 'a managed service instance of one account and environment';
  if (INTERNAL_HOST.test(h)) return 'an internal hostname of one network';
  const env = h.split('.').find((label) => ENV_WORD.test(label));
  return env ? `a hostname of one environment ("${env}")` : undefined;
}

/**
 * The host of an address value: a URL (`postgres://u:p@db.prod.internal:5432/app`), `host:port`, a bare
 * host, or the first of a comma-separated list. Offsets are within the value.
 */
export function hostOf(value: string): { host: string; start: number; end: number } | undefined {
  const v = value;
  let start = 0;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(v);
  if (scheme) {
    start = scheme[0].length;
    const authEnd = v.slice(start).search(/[/?#]/);
    const authority = authEnd < 0 ? v.slice(start) : v.slice(start, start + authEnd);
    const at = authority.lastIndexOf('@');
    if (at >= 0) start += at + 1;
  }
  const m = /^\[?([A-Za-z0-9.-]+)\]?/.exec(v.slice(start));
  if (!m || !m[1]) return undefined;
  return { host: m[1], start, end: start + m[1].length };
}

/** An address in a configuration value that is specific to one environment. */
export function envSpecificAddress(name: string, value: string): EnvHost | undefined {
  if (!value || /[\s$]/.test(value.trim())) return undefined;
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  // Only names that hold an address: `OTP_VERSION=27.3.4.13` is a version, `SUBNET=10.13.13.0` a network.
  if (!isUrl && !ADDRESS_NAME.test(name)) return undefined;
  const h = hostOf(value);
  if (!h) return undefined;
  const why = hostSpecificity(h.host);
  return why ? { ...h, why } : undefined;
}

/**
 * A command that starts a development server (auto-reload, interactive debugger, unoptimised
 * assets): `flask run`, `manage.py runserver`, `npm run dev`, `nodemon`, `ng serve`, `uvicorn --reload`.
 */
export function devServer(words: string[]): string | undefined {
  const w = words.map((x) => x.replace(/^"|"$/g, ''));
  const prog = (w[0] ?? '').split('/').pop() ?? '';
  const args = w.slice(1);
  const has = (a: string) => args.includes(a);
  if (prog === 'flask' && has('run')) return 'flask run (the Flask development server)';
  if (/^python[0-9.]*$/.test(prog) && args[0] === '-m' && args[1] === 'flask' && args.includes('run')) return 'flask run (the Flask development server)';
  if (((/^python[0-9.]*$/.test(prog) && /(?:^|\/)manage\.py$/.test(args[0] ?? '')) || prog === 'manage.py' || prog === 'django-admin') && has('runserver')) return 'manage.py runserver (the Django development server)';
  if (/^(?:npm|yarn|pnpm|bun)$/.test(prog)) {
    const script = args[0] === 'run' || args[0] === 'run-script' ? args[1] : prog !== 'npm' ? args[0] : undefined;
    if (script && /^(?:dev|develop|start:dev|dev:server|serve|watch|start-dev)$/.test(script)) return `${prog} run ${script}`;
    return undefined;
  }
  if (/^(?:nodemon|ts-node-dev|webpack-dev-server|react-scripts)$/.test(prog)) return prog === 'react-scripts' ? (has('start') ? 'react-scripts start (the development server)' : undefined) : prog;
  if (prog === 'webpack' && has('serve')) return 'webpack serve';
  if (/^(?:ng|vue-cli-service|ember)$/.test(prog) && has('serve')) return `${prog} serve`;
  if (/^(?:next|nuxt|nuxi|astro|remix)$/.test(prog) && has('dev')) return `${prog} dev`;
  if (prog === 'vite' && !args.some((a) => a === 'build' || a === 'preview')) return 'vite (the development server)';
  if (/^(?:uvicorn|gunicorn|hypercorn)$/.test(prog) && has('--reload')) return `${prog} --reload`;
  if (/^python[0-9.]*$/.test(prog) && args[0] === '-m' && /^(?:uvicorn|gunicorn|hypercorn)$/.test(args[1] ?? '') && has('--reload')) return `${args[1]} --reload`;
  // The inspector runs any code a client sends: open to the network (or waiting for a debugger) it is a development setup.
  if (/^(?:node|nodejs)$/.test(prog)) {
    const inspect = args.find((a) => a.startsWith('--inspect-brk') || /^--inspect(?:-wait)?=(?:0\.0\.0\.0|\[?::\]?)(?::|$)/.test(a));
    return inspect ? `node ${inspect} (a debugger open to whoever connects)` : undefined;
  }
  if (/^(?:rails|bin\/rails)$/.test(w[0] ?? '') || prog === 'rails') {
    const env = args.find((a, i) => (args[i - 1] === '-e' || args[i - 1] === '--environment') || a.startsWith('--environment='));
    if ((args[0] === 's' || args[0] === 'server') && env && DEV_MODE_VALUE.test(env.replace(/^--environment=/, ''))) return `rails ${args[0]} in the development environment`;
  }
  if (prog === 'php' && ((args[0] === 'artisan' && args[1] === 'serve') || args[0] === '-S')) return args[0] === '-S' ? 'php -S (the PHP built-in server)' : 'php artisan serve';
  return undefined;
}

/** A file or folder name that says its contents are not a production deployment (tests, CI, development, examples). */
const NON_PRODUCTION_SEGMENT = /(?:^|[._-])(?:test|tests|testing|e2e|it|ci|dev|devel|development|devenv|local|example|examples|sample|samples|demo|hack)(?:[._-]|$)/i;

/** Files that mark the top of a project: segments above them say where the checkout lives, not what it deploys. */
const PROJECT_MARKERS = ['.git', '.seaworthy.yaml', '.seaworthy.yml'];
const MAX_DEPTH = 12;

/**
 * True when the file's name or a folder between it and the top of its project names a non-production
 * setting (`compose.dev.yaml`, `tests/e2e/fixtures/cluster.yaml`, `.examples/…`, `docs/samples/…`). The
 * top is the nearest folder holding `.git` or `.seaworthy.yaml`; without one, only the file's name and its
 * folder's are read (`/home/me/dev/shop/compose.yaml` is not a development file). `exists` answers for a
 * path relative to the file's folder. Rules that give operational advice (backups, recovery) stay quiet
 * there: a throwaway environment needs neither.
 */
export function isNonProductionPath(path: string, exists: (relative: string) => boolean = () => false): boolean {
  const segments = path.split(/[\\/]/).filter(Boolean);
  let depth = 2;
  for (let up = 0; up < MAX_DEPTH && up < segments.length - 1; up++) {
    if (PROJECT_MARKERS.some((m) => exists('../'.repeat(up) + m))) { depth = up + 1; break; }
  }
  return segments.slice(-depth).some((segment) => NON_PRODUCTION_SEGMENT.test(segment.replace(/^\.+/, '')));
}
