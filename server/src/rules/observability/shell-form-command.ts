import { defineRule, Fix, RuleContext } from '../../engine/rule';
import type { DockerfileModel, Instruction, Stage } from '../../model/dockerfile';
import { effectiveInstruction, finalStage } from '../../model/dockerfile';
import { isBareRuntime, jobProgramOf } from '../../knowledge/lifecycle';
import { programOf, ShellCommand } from '../../knowledge/shell';

const SHELL_SYNTAX = /[$`*?[\]~{}<>|&;()\\'"#!]/;

/** The words of a shell-form command that is one plain word list (no variables, globs, quotes or operators), or undefined. */
function plainWords(ins: Instruction): string[] | undefined {
  const cmds = ins.commands;
  if (cmds.length !== 1 || cmds[0].redirects.length) return undefined;
  const text = ins.argsText.replace(/\\\r?\n/g, ' ');
  const words = text.trim().split(/\s+/);
  if (!words.length || words.some((w) => SHELL_SYNTAX.test(w))) return undefined;
  return words;
}

/** `[python, /app/app.py]`: an exec form written without JSON quotes, which Docker runs through a shell. */
function unquotedExec(ins: Instruction): string[] | undefined {
  const m = /^\s*\[(.*)\]\s*$/s.exec(ins.argsText);
  if (!m) return undefined;
  const words = m[1].split(',').map((w) => w.trim().replace(/^'(.*)'$/, '$1'));
  return words.length && words.every((w) => w && !/[$`"\\]/.test(w)) ? words : undefined;
}

function chainHasShell(stage: Stage): boolean {
  for (let s: Stage | undefined = stage; s; s = s.parent) if (s.instructions.some((i) => i.keyword === 'SHELL')) return true;
  return false;
}

function execFix(ins: Instruction, words: string[], safety: 'safe' | 'unsafe', model: DockerfileModel): () => Fix | undefined {
  return () => {
    if (!ins.argsRange) return undefined;
    const json = `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;
    // Trailing whitespace and comments are kept: only the arguments are rewritten.
    const written = model.source.slice(ins.argsRange);
    const end = written.trimEnd().length;
    const start = model.source.offsetAt(ins.argsRange.start);
    return { title: `Use exec form: ${ins.keyword} ${json}`, safety, edits: [{ range: model.source.range(start, start + end), newText: json }] };
  };
}

/** How a runtime shell script behaves with signals: fine when its last program runs through `exec` or it traps signals itself. */
function scriptKeepsShell(cmds: ShellCommand[]): 'compound' | 'simple' | undefined {
  const programs = cmds.map((c) => ({ c, p: programOf(c) })).filter((x) => x.p);
  if (!programs.length) return undefined;
  if (programs.some((x) => x.p!.name === 'trap' || x.p!.name === 'wait' || x.c.terminator === '&')) return undefined;
  const last = programs[programs.length - 1].c;
  if (last.words.some((w, i) => i <= (programOf(last)?.index ?? 0) && w.text === 'exec')) return undefined;
  return cmds.length > 1 ? 'compound' : 'simple';
}

/** How many FROM-stage steps above `stage` an instruction sits (0: in the stage itself). */
function depth(stage: Stage, ins: Instruction): number {
  let n = 0;
  for (let s: Stage | undefined = stage; s; s = s.parent, n++) if (s.instructions.includes(ins)) return n;
  return n;
}

function checkDockerfile(model: DockerfileModel, ctx: RuleContext): void {
  const final = finalStage(model);
  if (!final || chainHasShell(final)) return;
  const entry = effectiveInstruction(final, 'ENTRYPOINT');
  const cmd = effectiveInstruction(final, 'CMD');
  for (const ins of [entry, cmd]) {
    if (!ins || ins.execForm || !ins.argsText.trim()) continue;
    const loose = unquotedExec(ins);
    if (loose) {
      ctx.report({
        range: ins.range,
        message: `${ins.keyword} looks like exec form but is not valid JSON (the words need double quotes), so Docker runs it through /bin/sh -c: the shell becomes PID 1 and the app never gets SIGTERM. Quote every word.`,
        fix: execFix(ins, loose, 'safe', model),
      });
      continue;
    }
    if (jobProgramOf(ins.commands) || isBareRuntime(ins.commands)) continue;
    const kind = scriptKeepsShell(ins.commands);
    if (!kind) continue;
    const words = kind === 'simple' ? plainWords(ins) : undefined;
    const cmdWithEntry = ins === cmd && entry && entry.execForm;
    // In exec form an ENTRYPOINT receives CMD as arguments (a shell-form one ignores it): a CMD of its own
    // stage or a later one is kept by Docker (one from an earlier stage is reset), so the fix changes the command.
    const entryGetsCmd = ins === entry && !!cmd && depth(final, cmd) <= depth(final, entry);
    const extra = ins === entry ? ' A shell-form ENTRYPOINT also ignores CMD and `docker run` arguments.' : cmdWithEntry ? ' With an exec-form ENTRYPOINT, it is passed to it as `/bin/sh -c "..."` arguments.' : '';
    const why = kind === 'compound'
      ? 'runs a shell script, so /bin/sh stays PID 1: it does not forward SIGTERM to the app, which is killed after the stop timeout without shutting down cleanly (dropped requests, unflushed work).'
      : 'is in shell form, so it runs as `/bin/sh -c "..."`: depending on the image\'s shell, /bin/sh may stay PID 1 and not forward SIGTERM, and the app is killed after the stop timeout without a clean shutdown.';
    ctx.report({
      severity: kind === 'simple' ? 'info' : undefined,
      range: ins.range,
      message: `${ins.keyword} ${why}${extra} ${words ? 'Use exec form' : 'Use exec form, or start the last program with `exec`'}.`,
      fix: words ? execFix(ins, words, cmdWithEntry || entryGetsCmd ? 'unsafe' : 'safe', model) : undefined,
    });
  }
}

export default defineRule({
  id: 'shell-form-command',
  title: 'CMD/ENTRYPOINT in shell form: SIGTERM does not reach the app',
  category: 'observability',
  principle: 'disposability',
  severity: 'warning',
  fix: 'safe',
  peers: { hadolint: ['DL3025'], buildkit: ['JSONArgsRecommended'], kics: ['not_using_json_in_cmd_and_entrypoint_arguments'] },
  docs: {
    why: '`CMD node server.js` (shell form) runs `/bin/sh -c "node server.js"`. When the shell stays PID 1 it ignores SIGTERM and does not pass it on: `docker stop`, a rollout or a scale-down waits the whole grace period and then SIGKILLs the app, which never closes connections, finishes requests or flushes its queues. Exec form (`CMD ["node", "server.js"]`) makes the app PID 1 and lets it shut down cleanly.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nCOPY . /app\nCMD npm run migrate && node /app/server.js' },
    good: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nCOPY . /app\nCMD ["sh", "-c", "npm run migrate && exec node /app/server.js"]' },
    notes: 'Checks the shipped image\'s effective CMD and ENTRYPOINT (inherited through FROM-stages of the same file). A warning for shell scripts (`&&`, `;`, pipes) whose last program does not run through `exec`; info for a single shell-form command (redirects included), which bash and recent dash replace with the program themselves but other shells may not; a warning for an exec form written without JSON quotes (`CMD [python, app.py]`), which Docker silently runs as shell form. Not flagged: scripts using `exec`, `trap` or `wait`, background jobs (see process-supervisor), job images (`make`, `npm run build`, migrations), bare shells and REPLs (`CMD python3`), and Dockerfiles with a `SHELL` instruction (e.g. PowerShell). The fix rewrites a plain word list without variables, globs or quotes into exec form (unsafe when an exec-form ENTRYPOINT receives the CMD, or when a shell-form ENTRYPOINT that ignored the CMD of its stage would now receive it, since the command changes); scripts need `exec` before the last program, which is left to you.',
  },
  check: { dockerfile: checkDockerfile },
});
