import { defineRule } from '../../engine/rule';
import { commandsOf, instructionsOf } from '../../knowledge/container-commands';
import { PackageArg, packageInstall, pipRequirementFiles } from '../../knowledge/packages';
import { gitSpecFloats, pipGitSpec } from '../../knowledge/git-refs';
import { programOf, ShellCommand, ShellWord } from '../../knowledge/shell';
import { varsBefore } from '../build-run/stages';
import type { Instruction, Stage } from '../../model/dockerfile';

/** The names a message lists before it only counts the rest. */
const NAMES_SHOWN = 6;

function namesOf(packages: { name: string }[]): string {
  const shown = packages.slice(0, NAMES_SHOWN).map((p) => `"${p.name}"`);
  const more = packages.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more package${more === 1 ? '' : 's'}`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0];
}

/** Where a git install floats to: `"github.com/acme/tool" at its default branch`, `"sqlx-cli" of github.com/acme/sqlx at the branch "dev"`. */
function gitFloat(p: PackageArg): string {
  const git = p.git!;
  const at = !git.ref ? 'its default branch' : git.range ? `the version range "${git.ref}"` : `the branch "${git.ref}"`;
  return `"${p.name}"${p.name === git.repo ? '' : ` of ${git.repo}`} at ${at}`;
}

function gitList(packages: PackageArg[]): string {
  const shown = packages.slice(0, NAMES_SHOWN).map(gitFloat);
  const more = packages.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0];
}

const baseName = (file: string) => file.slice(file.lastIndexOf('/') + 1);

/**
 * Requirement lines a RUN writes with a heredoc, by the file they go to: `cat > requirements.txt <<EOF`,
 * `tee requirements.txt <<EOF`, or `/dev/stdin` for `pip install -r /dev/stdin <<EOF`.
 */
function heredocRequirements(ins: Instruction, commands: ShellCommand[]): Map<string, ShellWord[]> {
  const out = new Map<string, ShellWord[]>();
  if (!ins.heredocs.length) return out;
  for (const cmd of commands) {
    const program = programOf(cmd)?.name;
    const fed = cmd.redirects.find((r) => r.op.startsWith('<<') && r.op !== '<<<' && r.target);
    const doc = fed && ins.heredocs.find((h) => h.name === fed.target!.text.replace(/^-/, ''));
    if (!doc) continue;
    const file = program === 'cat' ? cmd.redirects.find((r) => r.op === '>' || r.op === '>>')?.target?.text
      : program === 'tee' ? cmd.words.slice(1).find((w) => !w.text.startsWith('-'))?.text
        : pipRequirementFiles(cmd).find((f) => f === '/dev/stdin' || f === '-') ? '/dev/stdin' : undefined;
    if (!file) continue;
    const lines: ShellWord[] = [];
    let at = 0;
    for (const line of doc.content.split('\n')) {
      const text = line.trim();
      if (text && !text.startsWith('#')) { const start = doc.contentStart + at + line.indexOf(text); lines.push({ text, start, end: start + text.length, quoted: false }); }
      at += line.length + 1;
    }
    out.set(file === '/dev/stdin' ? file : baseName(file), lines);
  }
  return out;
}

export default defineRule({
  id: 'unpinned-package',
  title: 'Package installed without a version',
  category: 'dependencies',
  principle: 'dependencies',
  severity: 'warning',
  set: 'strict',
  setReason: 'Pinning operating-system packages is policy (Debian and Alpine archives drop superseded versions, so exact pins break rebuilds), and these findings were nearly all OS packages on the precision sample (docs/precision.md).',
  fix: 'none',
  peers: {
    hadolint: ['DL3008', 'DL3013', 'DL3016', 'DL3018', 'DL3028', 'DL3033', 'DL3037', 'DL3041', 'DL3062'],
    kics: [
      'apt_get_install_pin_version_not_defined', 'unpinned_package_version_in_apk_add', 'unpinned_package_version_in_pip_install',
      'npm_install_without_pinned_version', 'gem_install_without_version', 'yum_install_without_version',
      'zypper_install_without_version', 'missing_version_specification_in_dnf_install',
    ],
  },
  docs: {
    why: 'A package installed by name alone resolves to whatever the registry serves on the day of the build. Two builds of the same commit can then ship different code: a new major release of a library breaks the application weeks after the last change, and a rebuild to fix an unrelated bug drags in untested upgrades. Naming the version (or installing from a lockfile or requirements file) makes the image a function of the repository.',
    bad: { lang: 'dockerfile', code: 'FROM python:3.12.2-slim\nRUN pip install --no-cache-dir flask gunicorn\nRUN npm install -g pm2' },
    good: { lang: 'dockerfile', code: 'FROM python:3.12.2-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN npm install -g pm2@5.3.1' },
    notes: 'Checks `apt-get`/`apt` (`pkg=version`), `apk add` (`pkg=version`, `pkg~version`), `yum`/`dnf`/`dnf5`/`microdnf`/`tdnf` install and its aliases (`in`, `localinstall`, `install-n`/`-na`/`-nevra`; `pkg-version`) and `dnf module install|enable` (`module:stream`; a stream enabled earlier in the stage counts), `zypper` (`pkg=version`), `pip`/`python -m pip`/`uv pip`/`pipx` (`==`, `~=`, an upper bound or a direct URL; `>=` alone floats), `npm`/`yarn add`/`pnpm add` (`pkg@version`; `@latest` and other dist-tags float), `gem install` (`gem:version` or `-v` with one gem), `cargo install` (`crate@version` or `--version` with one crate), `go install`/`go run` of remote modules at a version (`@latest` and branches float; `@vX.Y.Z` or a commit pins) and `go get` (without a version it takes the latest release). Git installs float without a tag or commit: pip `git+https://…` (also `-e`, `name @ git+…`, `#egg=`) without `@<tag|commit>`, npm/yarn/pnpm `github:user/repo`, `user/repo`, `git+https://…` or `git@host:…` without `#<tag|commit>` (`#semver:^1` is a range), `cargo install --git` without `--tag`/`--rev` (`--branch` follows a branch); requirement lines a RUN writes with a heredoc (`cat > requirements.txt <<EOF`, `pip install -r /dev/stdin <<EOF`) and a `pip install -r` of the stage reads are judged the same way; a ref that is a branch name (`@main`, `#master`, `@develop`) floats too, any other ref (`v1.2.3`, a commit, `release-4.1`) counts as pinned. Words built from ARG/ENV values are judged by those values for language packages (`go install x@${VERSION}` with `ARG VERSION=latest` floats, `ARG VERSION=v1.2.3` pins, no value: not reported). One finding per install command, at its first unpinned package, naming every unpinned package of the command (the others are related locations): one change to the command answers them all. Distribution packages (apt, apk, yum, dnf, zypper) are reported as **info**: their archives remove superseded versions, so exact pins break builds after the next security update; pinning the base image by digest or using a snapshot mirror is the sturdier way to freeze them. Upgrading the installer itself (`pip install --upgrade pip setuptools wheel`, `npm install -g npm`) is also info when the command installs nothing else. Not flagged: requirement files and constraints (`-r`, `-c`), lockfile installs (`npm install`/`npm ci` without names, `bundle install`), `go install`/`go run` without `@version` (they build the version go.mod requires), `cargo install --path`, local paths, wheels, tarballs, plain URLs, package groups (`@group`), distribution package words built from variables (`pkg-$VERSION`), named upgrades (`dnf up openssl`, `upgrade-minimal`, `microdnf update tzdata`: security updates on purpose) and `dnf reinstall`/`rei` (the installed version again). No quick fix: the right tag or commit is the project\'s choice. `git clone` without a ref is `code-fetched-at-build`\'s.',
  },
  check: {
    dockerfile(model, ctx) {
      // Modules whose stream an earlier command of the stage (or its FROM ancestors) named: `dnf module enable nodejs:20`
      // then `dnf module install nodejs` installs stream 20.
      const streams = new Map<Stage | undefined, Set<string>>();
      const streamsOf = (stage: Stage | undefined) => {
        let set = streams.get(stage);
        if (!set) streams.set(stage, (set = new Set(stage?.parent ? streams.get(stage.parent) : undefined)));
        return set;
      };
      // Requirement files written by heredocs earlier in the stage, by base name.
      const written = new Map<Stage | undefined, Map<string, ShellWord[]>>();
      const reportedLines = new Set<number>();
      for (const ins of instructionsOf(model, 'RUN')) {
        const chosen = streamsOf(ins.stage);
        const commands = commandsOf(ins, model.source);
        const files = written.get(ins.stage) ?? new Map<string, ShellWord[]>();
        written.set(ins.stage, files);
        const fromHeredoc = heredocRequirements(ins, commands);
        for (const [file, lines] of fromHeredoc) if (file !== '/dev/stdin') files.set(file, lines);
        for (const cmd of commands) {
          const requirements = pipRequirementFiles(cmd).flatMap((f) => (f === '/dev/stdin' || f === '-' ? fromHeredoc.get('/dev/stdin') : files.get(baseName(f))) ?? []);
          const floating = requirements.filter((w) => !reportedLines.has(w.start)).map((w) => ({ w, git: pipGitSpec(w.text) })).filter((r) => r.git && gitSpecFloats(r.git));
          for (const r of floating) reportedLines.add(r.w.start);
          if (floating.length) {
            const [first, ...rest] = floating;
            const list = gitList(floating.map((r) => ({ word: r.w, name: r.git!.repo, pinned: false, bootstrap: false, git: r.git })));
            ctx.report({
              range: model.source.range(first.w.start, first.w.end),
              message: `\`pip install -r\` installs from git ${list}, from requirement lines this Dockerfile writes, so each build may get different code. Pin ${floating.length > 1 ? 'each' : 'it'} to a tag or commit (\`git+https://…/repo.git@v1.2.3\` or \`@<commit>\`).`,
              related: rest.length ? rest.map((r) => ({ message: `"${r.git!.repo}" is not pinned either`, range: model.source.range(r.w.start, r.w.end) })) : undefined,
            });
          }
          const install = packageInstall(cmd, ins.stage && varsBefore(model, ins.stage, ins));
          if (!install) continue;
          if (install.action === 'module') for (const p of install.packages) if (p.pinned) chosen.add(p.name);
          const unpinned = install.packages.filter((p) => !p.pinned && !(install.action === 'module' && chosen.has(p.name)));
          if (!unpinned.length) continue;
          // One finding per install command: one fix (pin them, or install from a lockfile) answers all its packages.
          const info = install.ecosystem === 'os' || unpinned.every((p) => p.bootstrap);
          const [first, ...rest] = unpinned;
          const several = unpinned.length > 1;
          const fromGit = unpinned.every((p) => p.git);
          ctx.report({
            range: model.source.range(first.word.start, first.word.end),
            message: fromGit
              ? `\`${install.manager}\` installs from git ${gitList(unpinned)}, so each build may get different code. Pin ${several ? 'each' : 'it'} to a tag or commit (${install.gitPinSyntax}).`
              : install.action === 'module'
                ? `\`${install.manager}\` takes ${namesOf(unpinned)} without a stream, so the build gets whichever stream the base image's distribution makes default. Name the stream as ${install.pinSyntax}.`
                : `\`${install.manager}\` installs ${namesOf(unpinned)} without ${several ? 'fixed versions' : 'a fixed version'}, so each build may get ${several ? 'different releases' : 'a different release'}. Pin ${several ? 'them' : 'it'} as ${install.pinSyntax}${install.alternative ? ` or install from ${install.alternative}` : ''}.`,
            related: rest.length ? rest.map((p) => ({ message: `"${p.name}" is not pinned either`, range: model.source.range(p.word.start, p.word.end) })) : undefined,
            severity: info ? 'info' : undefined,
          });
        }
      }
    },
  },
});
