/**
 * Package managers as they are invoked in RUN lines and container commands: which words of an
 * install command are packages, and whether each one names a version. Shared by the pinning and
 * runtime-install rules.
 */
import { argsOf, programOf, ShellCommand, ShellWord } from './shell';
import { displayRepo, GitInstallSpec, gitSpecFloats, npmGitSpec, pipGitSpec } from './git-refs';
import { substitute } from './interpolation';

/** The first path segment names a host (`github.com/x`, not `./x` or `x@v1/y`): `/^[^/@]*\.[^/@]*\//` read once. */
export function remoteModulePath(t: string): boolean {
  const end = t.search(/[/@]/);
  return end > 0 && t[end] === '/' && t.slice(0, end).includes('.');
}

/**
 * `os`: distribution package managers. Their archives drop superseded versions, so exact pins break
 * builds after the next security update; the finding is informational. `language`: registries keep
 * every version, so a floating install silently picks up new majors.
 */
export type Ecosystem = 'os' | 'language';

export interface PackageArg {
  word: ShellWord;
  /** The package name without its version part. */
  name: string;
  pinned: boolean;
  /** The installer's own tooling (`pip install --upgrade pip`): low impact on the application. */
  bootstrap: boolean;
  /** Installed from a git repository (`git+https://…`, `github:user/repo`, `cargo install --git`): `name` is the repository. */
  git?: GitInstallSpec;
}

export interface PackageInstall {
  /** Display name of the command, e.g. `apt-get install`. */
  manager: string;
  ecosystem: Ecosystem;
  /** How a pinned package is written, for messages. */
  pinSyntax: string;
  /** The ecosystem's way to pin many packages at once, if any. */
  alternative?: string;
  /** How a git install names a tag or commit, for messages. */
  gitPinSyntax?: string;
  /** `module`: dnf module streams (`dnf module install nodejs:20`), pinned by a stream rather than a version. */
  action: 'install' | 'module';
  packages: PackageArg[];
}

interface ManagerSpec {
  programs: RegExp;
  subcommands: string[];
  ecosystem: Ecosystem;
  pinSyntax: string;
  alternative?: string;
  /** Options that take the next word as their value (both before and after the subcommand). */
  valueOptions: string[];
  /** Options that give the version of the one package named (`gem install x -v 1.2`, `cargo install x --version 1.2`). */
  versionOptions?: string[];
  /** Options whose value is itself a package to judge (`pip install -e git+https://…`). */
  packageOptions?: string[];
  /** `cargo install --git <url>`: the option naming the repository, the options that pin it, and the one that follows a branch. */
  gitOptions?: { repository: string; pins: string[]; branch: string };
  /** An option that installs from a local folder (`cargo install --path .`): nothing to pin. */
  localOption?: string;
  /** Subcommands whose first operand is the only package; the words after it are the program's own arguments (`go run pkg@v1 -flag`). */
  firstOperandOnly?: string[];
  /** Word is not a registry package (a local file, URL, group): it cannot be pinned here. */
  skip?(text: string, subcommand: string): boolean;
  pinned(text: string, ctx: { versionFlag: boolean; count: number }): boolean;
  name(text: string): string;
  /** The word installs from a git repository: which ref it names. Checked before `skip`. */
  git?(text: string): GitInstallSpec | undefined;
  gitPinSyntax?: string;
  bootstrap?: string[];
}

/**
 * dnf's install aliases (dnf 4's command classes, dnf 5's compatibility aliases); yum, microdnf and tdnf
 * accept subsets. Not installs here: `reinstall`/`rei` puts back the version already installed, and named
 * upgrades (`up`, `update`, `upgrade-minimal`, `up-min`, ... `openssl`) are security updates on purpose: every
 * one of a sample of public Dockerfiles upgraded openssl, glibc, gnupg2 or tzdata (docs/precision-detections.md).
 */
export const RPM_INSTALL_VERBS: readonly string[] = ['install', 'in', 'localinstall', 'install-n', 'install-na', 'install-nevra'];
export const RPM_REMOVE_VERBS: readonly string[] = ['remove', 'rm', 'erase', 'autoremove'];
const RPM_MANAGERS = /^(?:yum|dnf|microdnf|tdnf|dnf5)$/;
/** `dnf module install|enable <module>[:stream][/profile]`: without a stream the distribution's default stream is taken. */
const MODULE_VERBS = new Set(['install', 'enable']);

const isPathOrUrl = (t: string) => /^[./~]/.test(t) || t.includes('://') || /^(?:git\+|git@|file:)/.test(t);
/** rpm NEVRA: `name-version[-release]`; the last hyphen-separated part starts with a digit. */
const rpmVersioned = (t: string) => /-\d[^-]*$/.test(t) || /[=<>]/.test(t);

const MANAGERS: ManagerSpec[] = [
  {
    programs: /^(?:apt-get|apt|aptitude)$/, subcommands: ['install'], ecosystem: 'os', pinSyntax: 'package=version',
    valueOptions: ['-t', '--target-release', '--default-release', '-o', '--option', '-c', '--config-file', '-a', '--host-architecture'],
    skip: (t) => isPathOrUrl(t) || t.endsWith('.deb'),
    pinned: (t) => t.includes('='),
    name: (t) => t.split(/[=/]/)[0],
  },
  {
    programs: /^apk$/, subcommands: ['add'], ecosystem: 'os', pinSyntax: 'package=version (or package~version)',
    valueOptions: ['-t', '--virtual', '-X', '--repository', '-p', '--root', '--keys-dir', '--repositories-file', '--arch', '--cache-dir', '--cache-max-age'],
    skip: (t) => isPathOrUrl(t) || t.endsWith('.apk'),
    pinned: (t) => /[=~<>]/.test(t),
    name: (t) => t.split(/[=~<>]/)[0],
  },
  {
    programs: RPM_MANAGERS, subcommands: [...RPM_INSTALL_VERBS, 'module'], ecosystem: 'os', pinSyntax: 'package-version',
    valueOptions: ['-c', '--config', '-x', '--exclude', '--releasever', '--installroot', '--enablerepo', '--disablerepo', '--repo', '--repoid', '--setopt', '-d', '-e', '-R'],
    skip: (t) => isPathOrUrl(t) || t.startsWith('@') || t.endsWith('.rpm'),
    pinned: rpmVersioned,
    name: (t) => t.replace(/-\d[^-]*(?:-\d[^-]*)?$/, ''),
  },
  {
    programs: /^zypper$/, subcommands: ['install', 'in'], ecosystem: 'os', pinSyntax: 'package=version',
    valueOptions: ['-R', '--root', '-r', '--repo', '-t', '--type', '--from', '-c', '--config'],
    skip: (t) => isPathOrUrl(t) || t.endsWith('.rpm'),
    pinned: rpmVersioned,
    name: (t) => t.split(/[=<>]/)[0],
  },
  {
    programs: /^(?:pip[0-9.]*|pipx)$/, subcommands: ['install'], ecosystem: 'language', pinSyntax: 'package==version', alternative: 'a requirements file with pinned versions (`-r`)',
    valueOptions: [
      '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
      '-t', '--target', '--prefix', '--root', '--src', '--platform', '--python-version', '--implementation', '--abi', '--only-binary',
      '--no-binary', '--progress-bar', '--trusted-host', '--cache-dir', '--log', '--timeout', '--retries', '--proxy', '--cert',
      '--client-cert', '--upgrade-strategy', '--global-option', '--config-settings', '-C', '--report', '--root-user-action', '--exists-action',
      '--python', '--index', '--default-index',
    ],
    packageOptions: ['-e', '--editable'],
    skip: (t) => isPathOrUrl(t) || t.includes('/') || /\.(?:whl|zip|tar\.gz|tgz|tar\.bz2)$/.test(t),
    pinned: pipPinned,
    name: (t) => t.split(/[\[=<>~!@; ]/)[0],
    git: pipGitSpec,
    gitPinSyntax: '`git+https://…/repo.git@v1.2.3` or `@<commit>`',
    bootstrap: ['pip', 'setuptools', 'wheel'],
  },
  {
    programs: /^(?:npm|pnpm|yarn)$/, subcommands: ['install', 'i', 'in', 'isntall', 'add'], ecosystem: 'language', pinSyntax: 'package@version', alternative: 'package.json with its lockfile (`npm ci`)',
    valueOptions: ['--registry', '--prefix', '--cache', '--userconfig', '--omit', '--include', '-w', '--workspace', '--loglevel', '--save-prefix', '--filter', '--dir', '-C'],
    skip: (t) => isPathOrUrl(t) || /^(?:github|gitlab|bitbucket|gist|npm):/.test(t) || (t.includes('/') && !t.startsWith('@')) || /\.(?:tgz|tar|tar\.gz)$/.test(t),
    pinned: (t) => { const v = npmVersion(t); return v !== undefined && /^[v=^~<>\d]/.test(v); },
    name: (t) => { const at = t.indexOf('@', 1); return at < 0 ? t : t.slice(0, at); },
    git: npmGitSpec,
    gitPinSyntax: '`github:user/repo#v1.2.3` or `#<commit>`',
    bootstrap: ['npm', 'corepack'],
  },
  {
    programs: /^gem$/, subcommands: ['install', 'i'], ecosystem: 'language', pinSyntax: 'gem:version (or -v version)', alternative: 'a Gemfile.lock (`bundle install`)',
    valueOptions: ['-v', '--version', '-i', '--install-dir', '-n', '--bindir', '-s', '--source', '-P', '--trust-policy', '--platform', '-g', '--file'],
    versionOptions: ['-v', '--version'],
    skip: (t) => isPathOrUrl(t) || t.endsWith('.gem'),
    pinned: (t, c) => /:./.test(t) || (c.versionFlag && c.count === 1),
    name: (t) => t.split(':')[0],
  },
  {
    programs: /^go$/, subcommands: ['install', 'get', 'run'], ecosystem: 'language', pinSyntax: 'module/path@vX.Y.Z',
    valueOptions: ['-tags', '--tags', '-ldflags', '-gcflags', '-asmflags', '-mod', '-modfile', '-o', '-p', '-pkgdir', '-toolexec', '-overlay', '-C', '-exec'],
    firstOperandOnly: ['run'],
    // Local packages and module-internal paths follow go.mod; only remote module paths can float. `go install`
    // and `go run` without `@version` build the version go.mod requires (outside a module they refuse to run);
    // `go get` without one upgrades to the latest release.
    skip: (t, sub) => isPathOrUrl(t) || !remoteModulePath(t) || /@none$/.test(t) || (sub !== 'get' && !t.includes('@')),
    pinned: (t) => { const at = t.lastIndexOf('@'); return at > 0 && /^(?:v\d|[0-9a-f]{7,40}$)/.test(t.slice(at + 1)); },
    name: (t) => t.split('@')[0],
  },
  {
    programs: /^cargo$/, subcommands: ['install'], ecosystem: 'language', pinSyntax: 'crate@version (or --version with one crate)',
    valueOptions: ['--version', '--vers', '--git', '--branch', '--tag', '--rev', '--path', '--root', '--index', '--registry', '-j', '--jobs', '--target', '--target-dir', '--features', '-F', '--profile', '--bin', '--example', '--config', '-Z', '--color'],
    versionOptions: ['--version', '--vers'],
    gitOptions: { repository: '--git', pins: ['--rev', '--tag'], branch: '--branch' },
    localOption: '--path',
    skip: (t) => isPathOrUrl(t),
    pinned: (t, c) => t.includes('@') || (c.versionFlag && c.count === 1),
    name: (t) => t.split('@')[0],
    gitPinSyntax: '`--tag v1.2.3` or `--rev <commit>`',
  },
];

/** Version part of an npm spec (`@scope/name@1.2`, `name@^1`); undefined when absent. */
function npmVersion(spec: string): string | undefined {
  const at = spec.indexOf('@', 1);
  return at < 0 ? undefined : spec.slice(at + 1);
}

/**
 * A requirement pins when one of its clauses has an upper bound or an exact version (`==`, `===`,
 * `~=`, `<`, `<=`, a direct `@ url`); `>=` or `!=` alone float to any future release. A single `=`
 * is invalid pip syntax, but it states a version: pip itself reports that error, not us.
 */
function pipPinned(t: string): boolean {
  const spec = t.split(';')[0].replace(/^[A-Za-z0-9._-]+(?:\[[^\]]*\])?/, '').trim();
  if (!spec) return false;
  return spec.split(',').some((c) => /^\s*(?:={1,3}|~=|<|@)/.test(c));
}

const SHELL_WRAPPERS = /^(?:python[0-9.]*|py)$/;

/** `pip install name @ git+https://…` written as three words: one requirement, spanning them. */
function joinDirectReferences(words: ShellWord[]): ShellWord[] {
  const out: ShellWord[] = [];
  for (let k = 0; k < words.length; k++) {
    const [name, at, url] = [words[k], words[k + 1], words[k + 2]];
    if (at?.text === '@' && url) { out.push({ text: `${name.text} @ ${url.text}`, start: name.start, end: url.end, quoted: name.quoted || url.quoted }); k += 2; }
    else out.push(name);
  }
  return out;
}

/**
 * The package manager words of an install command, or undefined when the command installs nothing named.
 * `vars` (a Dockerfile's ARG and ENV values) resolves registry and git specs built from variables
 * (`tool@${TOOL_VERSION}`); without it, or when a variable has no known value, such words are left out.
 * Distribution package words with variables are always left out: a version in the name (`postgresql-client-${PG}`) is a choice.
 */
export function packageInstall(cmd: ShellCommand, vars?: ReadonlyMap<string, string | undefined>): PackageInstall | undefined {
  const p = programOf(cmd);
  if (!p) return undefined;
  let args = argsOf(cmd);
  let program = p.name;
  // `python -m pip install`, `uv pip install`
  if (SHELL_WRAPPERS.test(program) && args[0]?.text === '-m' && /^pip[0-9.]*$/.test(args[1]?.text ?? '')) { program = 'pip'; args = args.slice(2); }
  else if (program === 'uv' && args[0]?.text === 'pip') { program = 'pip'; args = args.slice(1); }
  const spec = MANAGERS.find((m) => m.programs.test(program));
  if (!spec) return undefined;
  const isValueOption = (t: string) => spec.valueOptions.includes(t);
  const skipOptions = (from: number) => {
    let i = from;
    while (i < args.length && args[i].text.startsWith('-')) i += isValueOption(args[i].text) ? 2 : 1;
    return i;
  };

  // Options may come before the subcommand (`dnf -y install`, `apk --no-cache add`); `yarn global add`.
  let i = skipOptions(0);
  if (program === 'yarn' && args[i]?.text === 'global') i++;
  let sub = args[i]?.text;
  if (!sub || !spec.subcommands.includes(sub)) return undefined;
  // `yarn install` / `pnpm install` read the lockfile; only `add` names packages.
  if ((program === 'yarn' || program === 'pnpm') && sub !== 'add') return undefined;
  const modules = sub === 'module';
  if (modules) {
    i = skipOptions(i + 1);
    if (!MODULE_VERBS.has(args[i]?.text ?? '')) return undefined;
    sub = `module ${args[i].text}`;
  }

  let words: ShellWord[] = [];
  const options = new Map<string, ShellWord | undefined>();
  let constrained = false;
  let endOfOptions = false;
  for (let j = i + 1; j < args.length; j++) {
    const w = args[j];
    const t = w.text;
    // `gem install x -- --with-opt`: what follows `--` is the gem's build configuration, not gems.
    if (!endOfOptions && t === '--') { if (program === 'gem') break; endOfOptions = true; continue; }
    if (!endOfOptions && t.startsWith('-') && t.length > 1) {
      const flag = t.split('=')[0];
      // pip's constraints file (`-c constraints.txt`) fixes the versions of the packages named here.
      if (/^pip/.test(program) && (flag === '-c' || flag === '--constraint')) constrained = true;
      // A value glued on (`--virtual=.deps`) or an exec-form word holding both (`"--virtual .deps"`) consumes nothing more.
      const glued = t.includes('=') && isValueOption(flag) ? { ...w, text: t.slice(flag.length + 1) } : undefined;
      const value = glued ?? (isValueOption(t) && !t.includes(' ') ? args[++j] : undefined);
      options.set(flag, value);
      if (value && spec.packageOptions?.includes(flag)) words.push(value);
      continue;
    }
    words.push(w);
    if (spec.firstOperandOnly?.includes(sub)) break;
  }
  if (spec.localOption && options.has(spec.localOption)) return undefined;
  if (/^pip/.test(program)) words = joinDirectReferences(words);
  const versionFlag = !!spec.versionOptions?.some((o) => options.has(o));
  const optionGit = gitFromOptions(spec, options);
  // `cargo install --git <url>` without crate names installs the repository's one crate.
  if (optionGit && !words.length) { const url = options.get(spec.gitOptions!.repository); if (url) words.push(url); }

  const judged = words.flatMap((w) => {
    if (!w.text) return [];
    if (!/[$`]/.test(w.text)) return [{ w, text: w.text }];
    // A module stream given by a variable (`nodejs:$NODE_VERSION`) is a stream chosen.
    if (modules) return w.text.includes(':') && !/[$`]/.test(w.text.split(':')[0]) ? [{ w, text: w.text }] : [];
    const resolved = spec.ecosystem === 'language' && vars ? substitute(w.text, vars) : undefined;
    return resolved && !/[$`]/.test(resolved) ? [{ w, text: resolved }] : [];
  });
  const candidates = judged.flatMap(({ w, text }): { w: ShellWord; text: string; git?: GitInstallSpec }[] => {
    const git = optionGit ?? spec.git?.(text);
    if (git) return [{ w, text, git }];
    return spec.skip?.(text, sub!) ? [] : [{ w, text, git: undefined }];
  });
  const packages = candidates.map(({ w, text, git }): PackageArg => {
    // `cargo install --git <url> crate`: the crate is named; without one the repository word is.
    if (git) return { word: w, name: optionGit && w !== options.get(spec.gitOptions!.repository) ? text : git.repo, pinned: !gitSpecFloats(git), bootstrap: false, git };
    if (modules) return { word: w, name: text.split(/[:/]/)[0], pinned: text.includes(':'), bootstrap: false };
    const name = spec.name(text);
    return {
      word: w, name,
      pinned: constrained || spec.pinned(text, { versionFlag, count: candidates.length }),
      bootstrap: !!spec.bootstrap?.includes(name.toLowerCase()),
    };
  });
  return {
    manager: `${program} ${sub}`, ecosystem: spec.ecosystem, pinSyntax: modules ? 'module:stream (`nodejs:20`)' : spec.pinSyntax,
    alternative: modules ? undefined : spec.alternative, gitPinSyntax: spec.gitPinSyntax, packages,
    action: modules ? 'module' : 'install',
  };
}

/** `cargo install --git <url> [--tag|--rev|--branch x]`: the repository every crate of the command comes from. */
function gitFromOptions(spec: ManagerSpec, options: Map<string, ShellWord | undefined>): GitInstallSpec | undefined {
  const g = spec.gitOptions;
  const url = g && options.get(g.repository)?.text;
  if (!g || !url) return undefined;
  const pin = g.pins.map((o) => options.get(o)?.text).find((v) => v);
  const branch = options.get(g.branch)?.text;
  return { repo: displayRepo(url), ref: pin ?? branch, branch: !pin && !!branch };
}

/** The requirement files a `pip install` reads (`-r requirements.txt`, `--requirement=x`, `-r /dev/stdin`). */
export function pipRequirementFiles(cmd: ShellCommand): string[] {
  const p = programOf(cmd);
  if (!p) return [];
  let args = argsOf(cmd);
  if (SHELL_WRAPPERS.test(p.name) && args[0]?.text === '-m' && /^pip[0-9.]*$/.test(args[1]?.text ?? '')) args = args.slice(2);
  else if (p.name === 'uv' && args[0]?.text === 'pip') args = args.slice(1);
  else if (!/^pip[0-9.]*$/.test(p.name)) return [];
  if (args.find((a) => !a.text.startsWith('-'))?.text !== 'install') return [];
  const files: string[] = [];
  args.forEach((a, k) => {
    if ((a.text === '-r' || a.text === '--requirement') && args[k + 1]) files.push(args[k + 1].text);
    else if (a.text.startsWith('--requirement=')) files.push(a.text.slice(14));
  });
  return files;
}

/**
 * Commands that fetch dependencies when they run: package installs (with or without names), lockfile
 * installs (`npm ci`, `bundle install`, `composer install`) and Go module downloads.
 */
export function installsDependencies(cmd: ShellCommand): string | undefined {
  const p = programOf(cmd);
  if (!p) return undefined;
  const args = argsOf(cmd);
  const first = args.find((a) => !a.text.startsWith('-'))?.text;
  const name = p.name;
  const mgr = MANAGERS.find((m) => m.programs.test(name));
  if (mgr && name !== 'go' && name !== 'yarn' && name !== 'pnpm' && first && mgr.subcommands.includes(first)) return `${name} ${first}`;
  if (/^python[0-9.]*$/.test(name) && args[0]?.text === '-m' && /^pip/.test(args[1]?.text ?? '') && args[2]?.text === 'install') return 'pip install';
  if (name === 'npm' && (first === 'ci' || first === 'update')) return `npm ${first}`;
  if ((name === 'yarn' || name === 'pnpm') && (first === undefined || first === 'install' || first === 'i' || first === 'add')) return `${name}${first ? ' ' + first : ''}`;
  if (name === 'bundle' && (first === 'install' || first === undefined)) return 'bundle install';
  if (name === 'composer' && (first === 'install' || first === 'require' || first === 'update')) return `composer ${first}`;
  if (name === 'go' && first === 'get') return 'go get';
  if (name === 'go' && first === 'mod' && args.some((a) => a.text === 'download')) return 'go mod download';
  if ((name === 'apt-get' || name === 'apt' || name === 'yum' || name === 'dnf' || name === 'apk') && args.some((a) => a.text === 'install' || a.text === 'add')) return `${name} install`;
  return undefined;
}
