import { defineRule, RuleContext } from '../../engine/rule';
import type { SourceText } from '../../model/range';
import { allContainers } from '../../model/kubernetes';
import { effectiveInstruction, finalStage } from '../../model/dockerfile';
import { commandsOf, instructionsOf, kubeContainerCommands, openShellScripts } from '../../knowledge/container-commands';
import { argsOf, programOf, ShellCommand, ShellWord } from '../../knowledge/shell';
import { copyOperands, gitSource, isMovingRef, varsBefore } from '../build-run/stages';
import { substitute } from '../../knowledge/interpolation';

/**
 * Whole-repository archives of a branch head (`.../archive/refs/heads/main.tar.gz`, `/tarball/master`,
 * GitLab `/-/archive/main/`). Single raw files from a branch (installer scripts) are tools, not the codebase.
 */
const BRANCH_DOWNLOAD = /(?:\/(?:archive|tarball|zipball)\/(?:refs\/heads\/)?(?:main|master|develop|dev|trunk|HEAD)(?:\.(?:tar\.gz|tgz|zip))?(?:[?#]|$))|(?:\/-\/archive\/(?:main|master|develop)\/)/i;

interface Clone { cmd: ShellCommand; url?: ShellWord; branch?: string }

/** `git clone` commands with their URL and `-b`/`--branch` value (options of `git` itself skipped). */
function clones(commands: ShellCommand[]): { clone: Clone; index: number }[] {
  const out: { clone: Clone; index: number }[] = [];
  commands.forEach((cmd, index) => {
    const p = programOf(cmd);
    if (p?.name !== 'git') return;
    const args = argsOf(cmd);
    let i = 0;
    while (i < args.length && args[i].text.startsWith('-')) i += /^-[Cc]$/.test(args[i].text) ? 2 : 1;
    if (args[i]?.text !== 'clone') return;
    let branch: string | undefined;
    const operands: ShellWord[] = [];
    for (let j = i + 1; j < args.length; j++) {
      const t = args[j].text;
      if (t === '-b' || t === '--branch') { branch = args[++j]?.text; continue; }
      if (t.startsWith('--branch=')) { branch = t.slice(9); continue; }
      if (/^(?:--depth|--origin|-o|--reference|--config|-c|--jobs|-j|--filter|--template|--separate-git-dir|--shallow-since|--shallow-exclude|-u|--upload-pack)$/.test(t)) { j++; continue; }
      if (!t.startsWith('-')) operands.push(args[j]);
    }
    out.push({ clone: { cmd, url: operands[0], branch }, index });
  });
  return out;
}

/** A later `git checkout <ref>` / `git reset --hard <ref>` / `git switch --detach <ref>` in the same script. */
function laterCheckout(commands: ShellCommand[], from: number): string | undefined {
  for (const cmd of commands.slice(from + 1)) {
    if (programOf(cmd)?.name !== 'git') continue;
    const words = argsOf(cmd).map((a) => a.text).filter((t, k, all) => !t.startsWith('-') && !/^-[Cc]$/.test(all[k - 1] ?? ''));
    if ((words[0] === 'checkout' || words[0] === 'reset' || words[0] === 'switch') && words[1]) return words[words.length - 1];
  }
  return undefined;
}

/**
 * `later`: the commands of the stage's following RUN steps (`RUN git clone x` then `RUN git checkout v1.2`).
 * `vars`: ARG/ENV values (both asked for only when a clone needs them: computed per RUN they made a long
 * stage quadratic), so `--branch ${BRANCH}` is judged by the default it has (`ARG BRANCH=main` floats).
 */
function checkBuild(commands: ShellCommand[], source: SourceText, ctx: RuleContext, where: string, later: () => ShellCommand[] = () => [], vars: () => ReadonlyMap<string, string | undefined> | undefined = () => undefined): void {
  for (const { clone, index } of clones(commands)) {
    const written = laterCheckout([...commands, ...later()], index) ?? clone.branch;
    // A ref from a variable without a known value is a choice made at build time: counted as pinned.
    const values = written && /\$/.test(written) ? vars() : undefined;
    const ref = written && /\$/.test(written) ? (values && substitute(written, values)) || '$' : written;
    if (ref && (/\$/.test(ref) || !isMovingRef(ref))) continue;
    const url = clone.url?.text ?? 'a repository';
    ctx.report({
      range: source.range(clone.cmd.words[0].start, (clone.url ?? clone.cmd.words[clone.cmd.words.length - 1]).end),
      message: `${where} clones ${url} at ${ref ? `the moving branch "${ref}"` : 'whatever its default branch holds'} while the image builds: the image contains code that is in no commit of this repository, and two builds of the same commit differ. Copy the code from this repository's build context, or pin the clone to a tag or commit (\`git clone --branch v1.2.3\`, \`git checkout <sha>\`).`,
    });
  }
  for (const cmd of commands) {
    const p = programOf(cmd);
    if (p?.name !== 'curl' && p?.name !== 'wget') continue;
    const url = argsOf(cmd).find((a) => BRANCH_DOWNLOAD.test(a.text));
    if (!url) continue;
    ctx.report({
      range: source.range(cmd.words[0].start, url.end),
      message: `${where} downloads ${url.text}, the current head of a branch: the image contains whatever that branch holds at build time. Download a tagged release or a commit archive, and verify its checksum.`,
    });
  }
}

function checkStart(commands: ShellCommand[], source: SourceText, ctx: RuleContext, where: string): void {
  for (const cmd of commands) {
    const p = programOf(cmd);
    if (p?.name !== 'git') continue;
    const sub = argsOf(cmd).find((a) => !a.text.startsWith('-'));
    if (sub?.text !== 'clone' && sub?.text !== 'pull') continue;
    ctx.report({
      range: source.range(cmd.words[0].start, cmd.words[cmd.words.length - 1].end),
      message: `${where} runs \`git ${sub.text}\` when the container starts: it runs code fetched at that moment instead of the code built into its image, so no release identifies what runs and a repository outage stops the service. Build the code into the image and start it.`,
    });
  }
}

export default defineRule({
  id: 'code-fetched-at-build',
  title: 'Application code fetched from another repository',
  category: 'codebase',
  principle: 'codebase',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'One codebase, tracked in one repository, produces every release. A Dockerfile that `git clone`s a branch, ADDs a git repository without a ref, or downloads a branch archive builds an image from code that is in no commit of this repository: two builds of the same commit can contain different code, a rollback does not roll the cloned code back, and nobody can say which version is in production. Containers that clone or pull when they start go further and run code that was never built into any image.',
    bad: { lang: 'dockerfile', code: 'FROM php:8.3-apache\nRUN git clone https://github.com/acme/shop-frontend.git /var/www/html' },
    good: { lang: 'dockerfile', code: 'FROM php:8.3-apache\n# the code lives in this repository\nCOPY frontend/ /var/www/html/\n# or, for a third-party component, a pinned tag\nRUN git clone --depth 1 --branch v2.4.1 https://github.com/acme/widget.git /opt/widget' },
    notes: 'Build time (RUN in any stage, ONBUILD too): `git clone` without `--branch <tag>` or a later `git checkout`/`reset` to a ref, or pinned to a moving branch (`main`, `master`, `develop`, …); a ref given by a variable is judged by its ARG/ENV value (`ARG BRANCH=main` then `--branch ${BRANCH}` floats, `ARG VERSION=v1.2.3` pins) and counts as pinned when it has none; `--depth 1` alone names no ref; ADD of a git repository without `#ref` (or with a branch name); `curl`/`wget` of whole-repository archives of a branch head (single raw files such as installer scripts are not the codebase: see `curl-pipe-shell`). Start time (the shipped CMD/ENTRYPOINT, Compose `command`/`entrypoint`, Kubernetes `command`/`args` of all containers): any `git clone` or `git pull`. Pinned third-party sources (a release tarball, a tag) are dependencies and not reported here; `go install …@latest`, `go run …@latest`, `pip install git+…`, `npm install github:user/repo` and `cargo install --git` are `unpinned-package`\'s (dependencies installed at a floating ref).',
  },
  check: {
    dockerfile(model, ctx) {
      for (const ins of instructionsOf(model, 'RUN')) {
        const later = () => (ins.stage?.instructions ?? []).filter((i) => i.keyword === 'RUN' && i.range.start.line > ins.range.start.line).flatMap((i) => commandsOf(i, model.source));
        checkBuild(commandsOf(ins, model.source), model.source, ctx, 'RUN', later, () => ins.stage && varsBefore(model, ins.stage, ins));
      }
      for (const ins of instructionsOf(model, 'ADD')) {
        for (const src of copyOperands(ins, model.source)?.sources ?? []) {
          const git = src.dynamic ? undefined : gitSource(src.value);
          if (!git || !isMovingRef(git.ref)) continue;
          ctx.report({
            range: src.range,
            message: `ADD ${git.repo} takes ${git.ref ? `the moving branch "${git.ref}"` : 'the default branch'} of another repository at build time: the image holds code that is in no commit of this one. Copy the code from this repository, or pin a tag or commit (\`${git.repo}#v1.2.3\`).`,
          });
        }
      }
      const final = finalStage(model);
      for (const kw of ['ENTRYPOINT', 'CMD']) {
        const ins = final && effectiveInstruction(final, kw);
        if (ins) checkStart(commandsOf(ins, model.source), model.source, ctx, kw);
      }
    },
    compose(model, ctx) {
      for (const s of model.services) {
        for (const c of [s.entrypoint, s.command]) if (c) checkStart(openShellScripts(c.commands, model.source), model.source, ctx, `Service "${s.name}"`);
      }
    },
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        if (!obj.workload) continue;
        for (const c of allContainers(obj.workload)) checkStart(kubeContainerCommands(c, model.source), model.source, ctx, `Container "${c.name}"`);
      }
    },
  },
});
