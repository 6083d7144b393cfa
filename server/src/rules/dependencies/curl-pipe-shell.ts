import { defineRule, RuleContext } from '../../engine/rule';
import type { SourceText } from '../../model/range';
import { allContainers } from '../../model/kubernetes';
import { commandsOf, instructionsOf, isCommandStringFlag, kubeContainerCommands, openShellScripts, SHELL_PROGRAMS } from '../../knowledge/container-commands';
import { argsOf, programOf, ShellCommand } from '../../knowledge/shell';

const DOWNLOADERS = new Set(['curl', 'wget', 'fetch']);
/** Interpreters that run a program read from stdin when given no script argument. */
const INTERPRETERS = new Set(['python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php']);
const DOWNLOADER_AT = /(?:curl|wget)(?![A-Za-z0-9_])/y;

/**
 * A word holding a download's output: `$(`, a backtick or `<(`, blanks, then `curl`/`wget` or a path
 * ending in one (`/(?:\$\(|`|<\()\s*(?:\S*\/)?(?:curl|wget)\b/`). Read in one pass: the expression
 * retried `\S*` from every backtick of a long run.
 */
export function downloadInWord(text: string): boolean {
  // afterOpener: only blanks since some opener; inPath: since some opener, blanks then non-blanks only.
  let afterOpener = false;
  let inPath = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ((afterOpener || (inPath && text[i - 1] === '/')) && (c === 'c' || c === 'w')) {
      DOWNLOADER_AT.lastIndex = i;
      if (DOWNLOADER_AT.test(text)) return true;
    }
    if (/\s/.test(c)) inPath = false;
    else { inPath = inPath || afterOpener; afterOpener = false; }
    if (c === '`' || (c === '(' && (text[i - 1] === '$' || text[i - 1] === '<'))) afterOpener = true;
  }
  return false;
}

/** The command executes what it reads on stdin: `sh`, `bash -s -- args`, `python3 -`, not `sh -c '...'` or `python -c`. */
function runsStdin(cmd: ShellCommand): string | undefined {
  const p = programOf(cmd);
  if (!p) return undefined;
  const args = argsOf(cmd).map((a) => a.text);
  if (SHELL_PROGRAMS.has(p.name)) {
    const firstOperand = args.find((a) => !a.startsWith('-') || a === '-');
    return args.some((a) => isCommandStringFlag(a)) || (firstOperand !== undefined && firstOperand !== '-' && !args.includes('-s')) ? undefined : p.name;
  }
  if (INTERPRETERS.has(p.name) || /^python[0-9.]*$/.test(p.name)) {
    const operand = args.find((a) => !a.startsWith('-') || a === '-');
    return args.some((a) => a === '-c' || a === '-e' || a === '-m' || a === '-r') || (operand !== undefined && operand !== '-') ? undefined : p.name;
  }
  return undefined;
}

/** Where a command's text ends (its `end` is the terminator's offset, after any spaces). */
const endOf = (c: ShellCommand) => Math.max(c.words[c.words.length - 1]?.end ?? c.end, c.redirects[c.redirects.length - 1]?.target?.end ?? 0);

interface Hit { start: number; end: number; shell: string; how: string }

/** Downloads executed without being written to disk first: pipes into a shell, `bash <(curl ...)`, `sh -c "$(curl ...)"`. */
export function remoteScriptRuns(commands: ShellCommand[]): Hit[] {
  const hits: Hit[] = [];
  for (let i = 0; i < commands.length; i++) {
    const cmd = commands[i];
    const p = programOf(cmd);
    // curl ... | [filters |] sh
    if (p && DOWNLOADERS.has(p.name) && cmd.terminator === '|') {
      for (let j = i + 1; j < commands.length && commands[j].piped; j++) {
        const shell = runsStdin(commands[j]);
        if (shell) { hits.push({ start: cmd.start, end: endOf(commands[j]), shell, how: `\`${p.name}\` output is piped into \`${shell}\`` }); break; }
      }
      continue;
    }
    if (!p) continue;
    // A program word that is a download's output (`$(curl ...)` left by an opened `sh -c "$(curl ...)"`).
    if (downloadInWord(cmd.words[p.index].text) && /^\s*(?:\$\(|`)/.test(cmd.words[p.index].text)) {
      hits.push({ start: cmd.words[p.index].start, end: cmd.words[p.index].end, shell: 'sh', how: 'the shell runs the output of a download' });
      continue;
    }
    const isRunner = SHELL_PROGRAMS.has(p.name) || INTERPRETERS.has(p.name) || /^python[0-9.]*$/.test(p.name) || p.name === 'eval' || p.name === 'source' || p.name === '.';
    if (!isRunner) continue;
    // bash <(curl ...): the splitter ends the command at `(` and reads the substitution as the next command.
    if (cmd.terminator === '(' && cmd.redirects.some((r) => r.op === '<' && !r.target)) {
      const inner = commands[i + 1];
      const ip = inner && programOf(inner);
      if (ip && DOWNLOADERS.has(ip.name)) { hits.push({ start: cmd.start, end: inner.end + 1, shell: p.name, how: `\`${p.name}\` runs a \`${ip.name}\` download through process substitution` }); i++; continue; }
    }
    // sh -c "$(curl ...)", eval "$(wget -qO- ...)"
    const word = argsOf(cmd).find((w) => downloadInWord(w.text));
    if (word) hits.push({ start: cmd.start, end: word.end, shell: p.name, how: `\`${p.name}\` runs the output of a download` });
  }
  return hits;
}

function reportAll(commands: ShellCommand[], source: SourceText, ctx: RuleContext, where: string): void {
  for (const h of remoteScriptRuns(commands)) {
    ctx.report({
      range: source.range(h.start, h.end),
      message: `${where}: ${h.how}, so whatever the server returns at that moment runs unchecked. Download to a file, verify its checksum or signature, then run it — or install a versioned package instead.`,
    });
  }
}

export default defineRule({
  id: 'curl-pipe-shell',
  title: 'Downloaded script piped into a shell',
  category: 'dependencies',
  principle: 'dependencies',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: '`curl https://... | sh` runs whatever the server sends at that moment: an installer that changed since it was last read, a truncated download that executes half a script, or a compromised host. Nothing records which version ran, so two builds of the same commit can differ and nobody can tell how. Downloading to a file and checking a published checksum (or installing a versioned package) makes the step reviewable and repeatable.',
    bad: { lang: 'dockerfile', code: 'FROM debian:12.5-slim\nRUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -' },
    good: { lang: 'dockerfile', code: 'FROM debian:12.5-slim\nARG NODESOURCE_SHA256=4f2...\nRUN curl -fsSLo /tmp/setup.sh https://deb.nodesource.com/setup_20.x \\\n && echo "$NODESOURCE_SHA256  /tmp/setup.sh" | sha256sum -c - \\\n && bash /tmp/setup.sh' },
    notes: 'Flags `curl`/`wget` piped (directly or through filters such as `gunzip`) into `sh`/`bash`/`zsh`/… or into `python`/`perl`/`ruby`/`node` reading stdin, with or without `sudo`; `bash <(curl ...)`; and `sh -c "$(curl ...)"` / `eval "$(wget -qO- ...)"`. Checked in RUN, CMD and ENTRYPOINT, Compose `command:`/`entrypoint:` and Kubernetes `command`/`args`. Not flagged: downloads piped into `tar`, `gpg`, `jq`, `sha256sum -c` or `python -c "<script>"` (they read data, not code), and scripts downloaded to a file and run in a later step (the checksum could sit between; that is for review).',
  },
  check: {
    dockerfile(model, ctx) {
      for (const kw of ['RUN', 'CMD', 'ENTRYPOINT']) {
        for (const ins of instructionsOf(model, kw)) reportAll(commandsOf(ins, model.source), model.source, ctx, kw);
      }
    },
    compose(model, ctx) {
      for (const s of model.services) {
        if (s.command) reportAll(openShellScripts(s.command.commands, model.source), model.source, ctx, `Service "${s.name}" command`);
        if (s.entrypoint) reportAll(openShellScripts(s.entrypoint.commands, model.source), model.source, ctx, `Service "${s.name}" entrypoint`);
      }
    },
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        if (!obj.workload) continue;
        for (const c of allContainers(obj.workload)) reportAll(kubeContainerCommands(c, model.source), model.source, ctx, `Container "${c.name}"`);
      }
    },
  },
});
