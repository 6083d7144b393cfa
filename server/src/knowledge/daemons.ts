import type { ShellCommand, ShellWord } from './shell';
import { programOf } from './shell';
import { substitute } from './interpolation';
import { blankDynamicParts } from './interpolation';
import { cutAtFirstOf, withoutTrailingSlashes } from './text';

/**
 * Host daemons a container can reach, and daemons/supervisors a container can run. Shared by the
 * host-daemon rules; facts only (socket paths, package names, command flags), no policy.
 */

export interface HostSocket {
  /** Human name of what is behind the path. */
  what: string;
  /** Container runtimes hand out root on the node; syslog/systemd/D-Bus sockets tie the app to one host. */
  runtime: boolean;
}

const RUNTIME_SOCKETS: Record<string, string> = {
  'docker.sock': 'the Docker daemon socket',
  'containerd.sock': 'the containerd socket',
  'crio.sock': 'the CRI-O socket',
  'podman.sock': 'the Podman socket',
  'dockershim.sock': 'the dockershim socket',
};

/** Exact host paths (after normalising) and what they expose. */
const HOST_PATHS: Record<string, HostSocket> = {
  '/var/run': { what: 'the whole /var/run directory (it holds the Docker and containerd sockets)', runtime: true },
  '/run': { what: 'the whole /run directory (it holds the Docker and containerd sockets)', runtime: true },
  '/run/containerd': { what: 'the containerd runtime directory (its socket included)', runtime: true },
  '/var/run/containerd': { what: 'the containerd runtime directory (its socket included)', runtime: true },
  '/run/crio': { what: 'the CRI-O runtime directory (its socket included)', runtime: true },
  '/var/run/crio': { what: 'the CRI-O runtime directory (its socket included)', runtime: true },
  '/run/podman': { what: 'the Podman runtime directory (its socket included)', runtime: true },
  '/var/run/docker': { what: 'the Docker runtime directory', runtime: true },
  '\\\\.\\pipe\\docker_engine': { what: 'the Docker engine named pipe', runtime: true },
  '//./pipe/docker_engine': { what: 'the Docker engine named pipe', runtime: true },
  '/dev/log': { what: "the host's syslog socket", runtime: false },
  '/run/systemd': { what: "the host's systemd runtime directory", runtime: false },
  '/var/run/systemd': { what: "the host's systemd runtime directory", runtime: false },
  '/run/systemd/journal': { what: "the host's journald sockets", runtime: false },
  '/run/systemd/journal/socket': { what: "the host's journald socket", runtime: false },
  '/run/systemd/journal/stdout': { what: "the host's journald socket", runtime: false },
  '/run/systemd/private': { what: "the host's systemd control socket", runtime: false },
  '/run/dbus': { what: "the host's D-Bus directory", runtime: false },
  '/var/run/dbus': { what: "the host's D-Bus directory", runtime: false },
  '/run/dbus/system_bus_socket': { what: "the host's D-Bus system bus socket", runtime: false },
  '/var/run/dbus/system_bus_socket': { what: "the host's D-Bus system bus socket", runtime: false },
};

function normalisePath(p: string): string {
  let s = p.trim();
  if (s.startsWith('\\\\')) return s.toLowerCase();
  s = s.replace(/\/{2,}/g, '/');
  if (s.length > 1) s = withoutTrailingSlashes(s);
  return s;
}

/**
 * What a host path exposes, or undefined for ordinary paths. A path with variables counts when its
 * defaults resolve to a known path, or when its file name alone names a runtime socket
 * (`${XDG_RUNTIME_DIR}/docker.sock`): the variable part cannot make that anything else.
 */
export function hostSocketOf(path: string, dynamic: boolean): HostSocket | undefined {
  let p = path;
  if (dynamic) {
    const resolved = substitute(path, new Map());
    if (resolved && hostSocketOf(resolved, false)) return hostSocketOf(resolved, false);
    p = path;
  }
  const n = normalisePath(p);
  const exact = HOST_PATHS[n] ?? HOST_PATHS[n.toLowerCase()];
  if (exact && !dynamic) return exact;
  const base = n.slice(n.lastIndexOf('/') + 1);
  if (/[${}\uE000]/.test(base)) return undefined;
  const runtime = RUNTIME_SOCKETS[base];
  if (runtime) return { what: runtime, runtime: true };
  // Any other daemon's socket (mysqld.sock, libvirt-sock, php-fpm.sock): the service reaches that host daemon.
  if (!dynamic && n.startsWith('/') && /[.-]sock$/.test(base)) return { what: `the host's ${base} socket`, runtime: false };
  return undefined;
}

/** Host names and addresses that reach the machine running the container rather than a service. */
const HOST_ALIASES = [
  'host.docker.internal', 'gateway.docker.internal', 'docker.for.mac.localhost', 'docker.for.win.localhost',
  'docker.for.mac.host.internal', 'host.containers.internal', 'host.lima.internal',
];
const HOST_ADDRESS_RE = new RegExp(
  `(?<![\\w.-])(?:${HOST_ALIASES.map((h) => h.replace(/\./g, '\\.')).join('|')})(?![\\w-])|(?<![\\d.])172\\.17\\.0\\.1(?![\\d])`, 'i',
);

/**
 * First host-daemon address in a value, ignoring text inside `${...}`/`$(...)`/templates (a default
 * there is only a fallback). Offsets are in the original string.
 */
export function findHostAddress(text: string): { start: number; end: number; address: string } | undefined {
  const m = HOST_ADDRESS_RE.exec(blankDynamicParts(text));
  return m ? { start: m.index, end: m.index + m[0].length, address: m[0] } : undefined;
}

/** Process supervisors and init systems (basename of the program word, or the full word for `/init`). */
const SUPERVISORS: Record<string, string> = {
  supervisord: 'supervisord', 's6-svscan': 's6', 'runsvdir': 'runit', runit: 'runit', 'runit-init': 'runit',
  my_init: "phusion's my_init", systemd: 'systemd', circusd: 'circus',
};
const SUPERVISOR_PATHS: Record<string, string> = {
  '/init': 's6-overlay', '/sbin/init': 'an init system', '/usr/sbin/init': 'an init system', '/lib/systemd/systemd': 'systemd',
  '/usr/lib/systemd/systemd': 'systemd', '/sbin/my_init': "phusion's my_init",
};

export function supervisorOf(programWord: string): string | undefined {
  return SUPERVISOR_PATHS[programWord] ?? SUPERVISORS[programWord.slice(programWord.lastIndexOf('/') + 1)];
}

/**
 * Daemons that fork into the background unless told otherwise. `foreground` flags keep them in
 * front; `noStart` flags make the command test or signal instead of starting one.
 */
interface DaemonFacts { foreground: RegExp; noStart?: RegExp }
const DAEMONS: Record<string, DaemonFacts> = {
  cron: { foreground: /^-[a-z]*[fn]/ },
  crond: { foreground: /^-[a-z]*[fn]/ },
  sshd: { foreground: /^-[a-z]*[dD]/, noStart: /^-[a-z]*t/i },
  nginx: { foreground: /daemon\s+off/, noStart: /^-[tTvVhqs]/ },
  'php-fpm': { foreground: /^(-[a-zA-Z]*F|--nodaemonize)$/, noStart: /^-[tvim]|^--(test|version|info|php-ini)/ },
  rsyslogd: { foreground: /^-[a-z]*n/, noStart: /^-N/ },
  syslogd: { foreground: /^-[a-z]*n/ },
  'dbus-daemon': { foreground: /^--nofork$/ },
  'apache2ctl': { foreground: /^-DFOREGROUND$/, noStart: /^(configtest|-t|-v|-V|stop|graceful-stop)$/ },
  apachectl: { foreground: /^-DFOREGROUND$/, noStart: /^(configtest|-t|-v|-V|stop|graceful-stop)$/ },
};

/** Programs with versioned names (`php-fpm8.2`, `php-fpm83`) map to their table entry. */
function daemonKey(name: string): string | undefined {
  if (DAEMONS[name]) return name;
  if (/^php-?fpm[\d.]*$/.test(name)) return 'php-fpm';
  return undefined;
}

/**
 * The daemon a command starts in the background by itself (no `&` needed), or undefined when the
 * command keeps it in the foreground, only tests it, or is not a known daemon.
 */
export function forkingDaemonOf(cmd: ShellCommand): { name: string; word: ShellWord } | undefined {
  const p = programOf(cmd);
  if (!p) return undefined;
  const key = daemonKey(p.name);
  if (!key) return undefined;
  const facts = DAEMONS[key];
  const args = cmd.words.slice(p.index + 1).map((w) => w.text);
  if (args.some((a) => facts.foreground.test(a))) return undefined;
  if (facts.noStart && args.some((a) => facts.noStart!.test(a))) return undefined;
  return { name: p.name, word: cmd.words[p.index] };
}

/** Known daemon (forking or not): started in the background with `&` it still runs beside the app. */
export function isDaemonProgram(name: string): boolean {
  return daemonKey(name) !== undefined;
}

/** `service X start`, `systemctl start X`, `/etc/init.d/X start`, `rc-service X start`, `invoke-rc.d X start`. */
export function serviceStartOf(cmd: ShellCommand): { service: string; from: ShellWord; to: ShellWord } | undefined {
  const p = programOf(cmd);
  if (!p) return undefined;
  const w = cmd.words.slice(p.index);
  const prog = w[0].text;
  const starts = (s: string | undefined) => s === 'start' || s === 'restart' || s === 'reload' || s === 'force-reload';
  if ((p.name === 'service' || p.name === 'rc-service' || p.name === 'invoke-rc.d') && w.length >= 3 && starts(w[2].text)) {
    return { service: w[1].text, from: w[0], to: w[2] };
  }
  if (p.name === 'systemctl') {
    const i = w.findIndex((x, k) => k > 0 && starts(x.text));
    if (i > 0 && w[i + 1]) return { service: w[i + 1].text, from: w[0], to: w[i + 1] };
  }
  if (/^\/etc\/(?:rc\.d\/)?init\.d\/[^/]+$/.test(prog) && w[1] && starts(w[1].text)) {
    return { service: prog.slice(prog.lastIndexOf('/') + 1), from: w[0], to: w[1] };
  }
  return undefined;
}

/**
 * Commands after a backgrounded job that do not start a second program: waiting for it (the
 * signal-forwarding idiom `app & wait $!`), messages, and the shell keywords closing a loop or branch.
 */
export const HARMLESS_FOLLOWERS = new Set(['wait', 'trap', 'echo', 'printf', 'true', ':', 'exit', 'set', 'done', 'fi', 'do', 'then', 'else', 'esac', '}']);

const INSTALLERS: Record<string, string[]> = {
  'apt-get': ['install'], apt: ['install'], aptitude: ['install'], apk: ['add'], yum: ['install'], dnf: ['install'],
  microdnf: ['install'], zypper: ['install', 'in'], tdnf: ['install'], pip: ['install'], pip3: ['install'],
};

/** Package words a package-manager command installs (options dropped, versions kept). */
export function installedPackages(cmd: ShellCommand): { manager: string; packages: ShellWord[] } | undefined {
  const p = programOf(cmd);
  if (!p || !INSTALLERS[p.name]) return undefined;
  const rest = cmd.words.slice(p.index + 1);
  const verb = rest.findIndex((w) => INSTALLERS[p.name].includes(w.text));
  if (verb < 0) return undefined;
  return { manager: p.name, packages: rest.slice(verb + 1).filter((w) => !w.text.startsWith('-') && !w.text.includes('$')) };
}

/** Package name without a version suffix (`openssh-server=1:9.2`, `supervisor==4.2.5`, `openssh-server-9.6`). */
export function packageName(word: string): string {
  return cutAtFirstOf(word, '=<>~!@').toLowerCase();
}

/** Packages that are an SSH server (apk's `openssh` pulls in sshd). */
export function isSshServerPackage(manager: string, name: string): boolean {
  if (name === 'openssh-server' || name === 'dropbear') return true;
  return manager === 'apk' && name === 'openssh';
}

export const SUPERVISOR_PACKAGES = new Set(['supervisor', 's6', 's6-overlay', 'runit']);

/** Images whose job is to be an SSH endpoint (git over SSH, SFTP, bastions): port 22 is their service. */
const SSH_SERVICE_IMAGES = new Set([
  'gitea', 'forgejo', 'gogs', 'gitlab-ce', 'gitlab-ee', 'sftp', 'openssh-server', 'sshd', 'bastion', 'soft-serve', 'gerrit',
]);
export function isSshServiceImage(baseName: string): boolean {
  return SSH_SERVICE_IMAGES.has(baseName.toLowerCase());
}
