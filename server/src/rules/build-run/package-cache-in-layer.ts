import { defineRule, Fix, RuleContext } from '../../engine/rule';
import type { DockerfileModel, Instruction } from '../../model/dockerfile';
import { commandsOf } from '../../knowledge/container-commands';
import { argsOf, programOf, ShellCommand, ShellWord, variablesSetFor } from '../../knowledge/shell';
import { appendCommandFix, hasCacheMount, insertOptionEdit, isDevDockerfile, isDevStage, targetStages, varsBefore } from './stages';

interface Manager {
  label: string;
  /** Where the cache lives, for the message. */
  cache: string;
  /** Does this command leave cache behind? Returns the word to anchor on (the subcommand). */
  creates(cmd: ShellCommand, program: string, args: ShellWord[]): ShellWord | undefined;
  /** Does this command remove the cache? */
  cleans(program: string, args: ShellWord[]): boolean;
  /** Command appended by the fix, if any, and whether appending it is safe. */
  cleanup?: { command: string; safety: 'safe' | 'unsafe' };
}

/** First argument that is not an option (the subcommand of `apt-get -y install`, `dnf -q makecache`). */
function subcommand(args: ShellWord[], valueOptions: string[] = []): ShellWord | undefined {
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    if (!t.startsWith('-')) return args[i];
    if (valueOptions.includes(t)) i++;
  }
  return undefined;
}

const removes = (args: ShellWord[], path: RegExp) => args.some((a) => path.test(a.text));
const isRm = (program: string) => program === 'rm';
const RPM_FAMILY = /^(?:yum|dnf|dnf5|microdnf|tdnf)$/;

const MANAGERS: Manager[] = [
  {
    label: 'apt-get', cache: 'the package lists in /var/lib/apt/lists',
    creates: (_c, p, args) => {
      if (!/^(?:apt-get|apt|aptitude)$/.test(p)) return undefined;
      const sub = subcommand(args, ['-o', '-t', '-c']);
      return sub && /^(?:update|install|upgrade|dist-upgrade|full-upgrade|build-dep)$/.test(sub.text) ? sub : undefined;
    },
    // `apt-get dist-clean` (apt 2.7+) removes the lists too.
    cleans: (p, args) => (isRm(p) && removes(args, /^\/var\/lib\/apt(?:\/lists)?(?:\/\*?)?$/)) || (/^apt(?:-get)?$/.test(p) && subcommand(args)?.text === 'dist-clean'),
    // Later `apt-get install` steps without their own `apt-get update` then fail: unsafe.
    cleanup: { command: 'rm -rf /var/lib/apt/lists/*', safety: 'unsafe' },
  },
  {
    label: 'apk', cache: 'the package index in /var/cache/apk',
    creates: (_c, p, args) => {
      if (p !== 'apk') return undefined;
      const sub = subcommand(args, ['-X', '--repository', '-p', '--root', '-t', '--virtual', '--cache-dir']);
      if (!sub) return undefined;
      if (sub.text === 'update') return sub;
      // `--no-network` installs from what is already there: nothing is downloaded or cached.
      return /^(?:add|upgrade|fix)$/.test(sub.text) && !args.some((a) => a.text === '--no-cache' || a.text === '--no-network') ? sub : undefined;
    },
    cleans: (p, args) => (isRm(p) && removes(args, /^\/var\/cache\/apk(?:\/\*?)?$/)) || (p === 'apk' && args.some((a) => a.text === 'cache') && args.some((a) => /^(?:clean|purge)$/.test(a.text))),
  },
  {
    label: 'yum/dnf', cache: 'downloaded repository metadata and packages in /var/cache/yum or /var/cache/dnf',
    creates: (c, p, args) => {
      if (!RPM_FAMILY.test(p)) return undefined;
      const sub = subcommand(args, ['-c', '--config', '--releasever', '--installroot', '--enablerepo', '--disablerepo', '--repo', '--setopt', '-d', '-e', '-x', '--exclude']);
      if (!sub || !/^(?:install|in|update|upgrade|groupinstall|reinstall|makecache|distro-sync|module)$/.test(sub.text)) return undefined;
      // `yum install x \<newline> yum clean all`: a continuation that swallowed its `&&` still says clean after install.
      const after = c.words.slice(c.words.indexOf(sub) + 1);
      return after.some((w) => w.text === 'clean') ? undefined : sub;
    },
    cleans: (p, args) => (RPM_FAMILY.test(p) && subcommand(args)?.text === 'clean') || (isRm(p) && removes(args, /^\/var\/cache\/(?:yum|dnf|libdnf5)(?:\/\*?)?$/)),
  },
  {
    label: 'zypper', cache: 'downloaded repository metadata and packages in /var/cache/zypp',
    creates: (_c, p, args) => {
      if (p !== 'zypper') return undefined;
      const sub = subcommand(args, ['-R', '--root', '-r', '--repo', '-t', '--type', '--from', '-c', '--config']);
      return sub && /^(?:install|in|update|up|refresh|ref|dist-upgrade|dup|patch|source-install|si)$/.test(sub.text) ? sub : undefined;
    },
    cleans: (p, args) => (p === 'zypper' && /^(?:clean|cc)$/.test(subcommand(args)?.text ?? '')) || (isRm(p) && removes(args, /^\/var\/cache\/zypp(?:\/\*?)?$/)),
    cleanup: { command: 'zypper clean --all', safety: 'safe' },
  },
  {
    label: 'pip', cache: 'downloaded wheels in ~/.cache/pip',
    creates: (_c, p, args) => {
      let rest = args;
      if (/^python[0-9.]*$/.test(p) && args[0]?.text === '-m' && /^pip[0-9.]*$/.test(args[1]?.text ?? '')) rest = args.slice(2);
      else if (!/^pip[0-9.]*$/.test(p)) return undefined;
      const sub = subcommand(rest);
      if (sub?.text !== 'install') return undefined;
      return rest.some((a) => a.text === '--no-cache-dir' || a.text.startsWith('--no-cache-dir=')) ? undefined : sub;
    },
    cleans: (p, args) => (isRm(p) && removes(args, /(?:^|\/)\.cache(?:\/pip)?(?:\/\*?)?$/)) || (/^pip[0-9.]*$/.test(p) && args[0]?.text === 'cache' && /^(?:purge|remove)$/.test(args[1]?.text ?? '')),
  },
];

/** pip reads `PIP_NO_CACHE_DIR` (any value turns the cache off in the pip versions images ship). */
function pipCacheOff(vars: ReadonlyMap<string, string | undefined>): boolean {
  return vars.get('PIP_NO_CACHE_DIR') !== undefined;
}

function optionFix(model: DockerfileModel, ins: Instruction, words: ShellWord[], option: string, title: string): Fix | undefined {
  const edits = [];
  for (const w of words) {
    const e = insertOptionEdit(ins, model.source, w, option);
    if (!e) return undefined;
    const at = model.source.positionAt(e.offset);
    edits.push({ range: { start: at, end: at }, newText: e.text });
  }
  return edits.length ? { title, safety: 'safe', edits } : undefined;
}

function checkRun(model: DockerfileModel, ins: Instruction, vars: ReadonlyMap<string, string | undefined>, ctx: RuleContext): void {
  const commands = commandsOf(ins, model.source);
  for (const m of MANAGERS) {
    if (m.label === 'pip' && pipCacheOff(vars)) continue;
    // Cache left behind = a creating command with no cleaning command after it.
    let pending: { cmd: ShellCommand; word: ShellWord }[] = [];
    for (const [index, cmd] of commands.entries()) {
      const p = programOf(cmd);
      if (!p) continue;
      const args = argsOf(cmd);
      // `PIP_NO_CACHE_DIR=1 pip install`, `export PIP_NO_CACHE_DIR=1 && pip install`: pip keeps no cache.
      if (m.label === 'pip' && variablesSetFor(commands, index).has('PIP_NO_CACHE_DIR')) continue;
      const word = m.creates(cmd, p.name, args);
      if (word) pending.push({ cmd, word });
      else if (pending.length && m.cleans(p.name, args)) pending = [];
    }
    if (!pending.length) continue;
    const first = pending[0];
    const src = model.source;
    ctx.report({
      range: src.range(first.cmd.words[0].start, Math.max(first.word.end, first.cmd.words[0].end)),
      message: message(m, pending.length),
      fix: () => fixFor(model, ins, commands, m, pending.map((x) => x.word)),
    });
  }
}

function message(m: Manager, count: number): string {
  const advice: Record<string, string> = {
    'apt-get': 'End the same RUN with `rm -rf /var/lib/apt/lists/*`',
    apk: 'Use `apk add --no-cache` (or remove /var/cache/apk/* in the same RUN)',
    'yum/dnf': 'End the same RUN with `yum clean all` / `dnf clean all`',
    zypper: 'End the same RUN with `zypper clean --all`',
    pip: 'Add `--no-cache-dir` (or set `ENV PIP_NO_CACHE_DIR=1`)',
  };
  const what = count > 1 ? `${count} ${m.label} commands leave` : `${m.label} leaves`;
  return `${what} ${m.cache} in this layer of the image: megabytes that every pull and node downloads, and stale metadata nothing uses at run time. ${advice[m.label]}, or use a \`RUN --mount=type=cache\`.`;
}

function fixFor(model: DockerfileModel, ins: Instruction, commands: ShellCommand[], m: Manager, words: ShellWord[]): Fix | undefined {
  // Titles name the line: a file often has several RUNs with the same finding, each fixed on its own.
  const line = ins.range.start.line + 1;
  if (m.label === 'pip') return optionFix(model, ins, words, '--no-cache-dir', `Add --no-cache-dir to pip install (line ${line})`);
  if (m.label === 'apk') {
    // Only when `apk add` is the sole source: `apk update` keeps its index whatever `add` does.
    if (words.some((w) => w.text !== 'add')) return undefined;
    return optionFix(model, ins, words, '--no-cache', `Add --no-cache to apk add (line ${line})`);
  }
  if (m.label === 'yum/dnf') {
    const program = programOf(commands.find((c) => c.words.includes(words[0]))!)?.name ?? 'yum';
    const tool = program === 'yum' ? 'yum' : program === 'microdnf' ? 'microdnf' : program === 'tdnf' ? 'tdnf' : 'dnf';
    return appendCommandFix(model, ins, commands, `${tool} clean all`, `Append \`${tool} clean all\` to the RUN on line ${line}`, 'safe');
  }
  if (!m.cleanup) return undefined;
  return appendCommandFix(model, ins, commands, m.cleanup.command, `Append \`${m.cleanup.command}\` to the RUN on line ${line}`, m.cleanup.safety);
}

export default defineRule({
  id: 'package-cache-in-layer',
  title: 'Package manager cache left in an image layer',
  category: 'build-run',
  principle: 'build-release-run',
  severity: 'info',
  fix: 'safe',
  peers: {
    hadolint: ['DL3009', 'DL3019', 'DL3032', 'DL3036', 'DL3040', 'DL3042'],
    kics: ['apt_get_install_lists_were_not_deleted', 'apk_add_using_local_cache_path', 'yum_clean_all_missing', 'missing_dnf_clean_all', 'missing_zypper_clean', 'pip_install_keeping_cached_packages'],
    trivy: ['DS-0015', 'DS-0019', 'DS-0020', 'DS-0025', 'DS-0027'],
  },
  docs: {
    why: 'A release image should hold what the application needs to run and nothing else. `apt-get update`, `apk add`, `yum`/`dnf`/`zypper install` and `pip install` download indexes and packages into caches; when the same RUN does not remove them they are committed into the layer, and deleting them in a later RUN does not shrink the image. Every deploy, scale-out and node replacement then pulls tens of megabytes of stale metadata, slowing rollouts and cold starts.',
    bad: { lang: 'dockerfile', code: 'FROM debian:12.5-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates\nRUN pip install -r requirements.txt' },
    good: { lang: 'dockerfile', code: 'FROM debian:12.5-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*\nRUN pip install --no-cache-dir -r requirements.txt' },
    notes: 'Checks RUN steps of stages that become images: the shipped stages and stages no other stage builds on or copies from (targets of `docker build --target`); builder stages whose files are only copied out are skipped, and so are development targets (stages named `dev`, `dev-envs`, `debug`, `test`, … and Dockerfiles named `Dockerfile.dev`, `Dockerfile.debug`, …). A command counts as cleaned up when a later command of the same RUN removes the cache (`rm -rf /var/lib/apt/lists/*`, `/var/cache/apk/*`, `/var/cache/yum`, `~/.cache/pip`; `yum`/`dnf clean all`, `zypper clean`, `apk cache clean`, `pip cache purge`). `apt-get dist-clean` counts; `apt-get clean` alone is not enough: it empties /var/cache/apt but keeps the lists. `apk add --no-network` downloads nothing. RUN steps with `--mount=type=cache` or `type=tmpfs` are skipped, and pip is not judged when `PIP_NO_CACHE_DIR` is set by an earlier ENV/ARG. npm, yarn and uv caches are not checked. Fixes: `--no-cache-dir` for pip and `--no-cache` for `apk add` (safe); appending `yum`/`dnf clean all` or `zypper clean --all` (safe) and `rm -rf /var/lib/apt/lists/*` (unsafe: a later `apt-get install` without its own `apt-get update` then fails).',
  },
  check: {
    dockerfile(model, ctx) {
      // Development images are not shipped: their size is nobody's deploy time.
      if (isDevDockerfile(ctx.path)) return;
      const targets = targetStages(model);
      for (const stage of model.stages) {
        if (!targets.has(stage) || isDevStage(stage)) continue;
        for (const ins of stage.instructions) {
          if (ins.keyword !== 'RUN' || hasCacheMount(ins)) continue;
          checkRun(model, ins, varsBefore(model, stage, ins), ctx);
        }
      }
    },
  },
});
