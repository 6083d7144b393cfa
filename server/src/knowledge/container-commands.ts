/**
 * The shell commands a container or image runs, gathered from each file kind's model in one shape so
 * rules about what runs (downloads, installs) read Dockerfiles, Compose and Kubernetes alike.
 */
import type { Located } from '../model/common';
import type { ComposeModel, ComposeService } from '../model/compose';
import type { DockerfileModel, Instruction } from '../model/dockerfile';
import type { KubeContainer } from '../model/kubernetes';
import type { SourceText } from '../model/range';
import { parseShell, programOf, ShellCommand, ShellWord } from './shell';
import { checkpoint } from '../engine/budget';

/** A shell option cluster that includes `-c` (`-c`, `-ec`, `-lc`): `/^-[a-z]*c[a-z]*$/` without its two-way split. */
export function isCommandStringFlag(word: string): boolean {
  return /^-[a-z]*$/.test(word) && word.includes('c');
}

export const SHELL_PROGRAMS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox', 'fish']);

const opened = new WeakMap<Instruction, ShellCommand[]>();

/**
 * The commands an instruction runs, with `sh -c '<script>'` in shell form opened too (the parser opens exec form).
 * Computed once per instruction (a dozen rules ask for every RUN/CMD/ENTRYPOINT); treat the result as read-only.
 */
export function commandsOf(ins: Instruction, source: SourceText): ShellCommand[] {
  checkpoint();
  let commands = opened.get(ins);
  if (!commands) opened.set(ins, (commands = openShellScripts(ins.commands, source)));
  return commands;
}

/** Block scalars and escaped strings lose exact offsets: point every word at the whole value. */
function relocate(c: ShellCommand, s: number, e: number): ShellCommand {
  c.start = s; c.end = e;
  for (const w of c.words) { w.start = s; w.end = e; }
  for (const r of c.redirects) { r.start = s; if (r.target) { r.target.start = s; r.target.end = e; } }
  return c;
}

/**
 * Replaces `sh -c '<script>'` (shell-form RUN, `bash -ec`, Kubernetes args) with the script's own
 * commands, so pipes and installs inside it are seen. Offsets stay exact when the script
 * is written as-is between its quotes.
 */
export function openShellScripts(commands: ShellCommand[], source: SourceText, depth = 0): ShellCommand[] {
  if (depth > 3) return commands;
  return commands.flatMap((cmd) => {
    const p = programOf(cmd);
    if (!p || !SHELL_PROGRAMS.has(p.name)) return [cmd];
    const flag = cmd.words.findIndex((w, i) => i > p.index && isCommandStringFlag(w.text));
    const script = flag >= 0 ? cmd.words[flag + 1] : undefined;
    // `sh -c "$(curl ...)"` runs a command's output: the shell command itself is what matters.
    if (!script || /^\s*(?:\$\(|`)/.test(script.text)) return [cmd];
    const written = source.text.slice(script.start, script.end);
    const inner = written.length === script.text.length + 2 && /^(["']).*\1$/s.test(written) ? 1 : 0;
    const parsed = written.slice(inner, written.length - inner) === script.text
      ? parseShell(script.text, script.start + inner)
      : parseShell(script.text, 0).map((c) => relocate(c, script.start, script.end));
    return openShellScripts(parsed, source, depth + 1);
  });
}

/** Every instruction of a keyword, ONBUILD triggers included (they run in the images built from this one). */
export function instructionsOf(model: DockerfileModel, keyword: string): Instruction[] {
  const out: Instruction[] = [];
  for (const ins of model.instructions) {
    if (ins.keyword === keyword) out.push(ins);
    else if (ins.onbuild?.keyword === keyword) out.push(ins.onbuild);
  }
  return out;
}

/** Offset where a YAML scalar's characters start (after an opening quote). */
export function contentStart(l: Located, source: SourceText): number {
  const s = source.offsetAt(l.range.start);
  const c = source.text[s];
  return c === '"' || c === '\'' ? s + 1 : s;
}

/** Shell commands of a script held in a YAML scalar, with exact offsets when the text is the value as written. */
function scriptCommands(l: Located, source: SourceText): ShellCommand[] {
  const start = contentStart(l, source);
  if (source.text.slice(start, start + l.value.length) === l.value) return parseShell(l.value, start);
  const s = source.offsetAt(l.range.start), e = source.offsetAt(l.range.end);
  return parseShell(l.value, 0).map((c) => relocate(c, s, e));
}

/**
 * What a Kubernetes container runs: `command` + `args` as one exec-form command, or the script of
 * `sh -c` (which may sit in `args`).
 */
export function kubeContainerCommands(c: KubeContainer, source: SourceText): ShellCommand[] {
  checkpoint();
  const located = [...c.command, ...c.args];
  if (!located.length) return [];
  const words: ShellWord[] = located.map((l) => {
    const start = contentStart(l, source);
    return { text: l.value, start, end: start + l.value.length, quoted: true };
  });
  const exec: ShellCommand = { words, redirects: [], start: words[0].start, end: words[words.length - 1].end, piped: false };
  const p = programOf(exec);
  if (p && SHELL_PROGRAMS.has(p.name)) {
    const dashC = located.findIndex((l, i) => i > p.index && isCommandStringFlag(l.value));
    if (dashC >= 0 && located[dashC + 1]) return openShellScripts(scriptCommands(located[dashC + 1], source), source);
  }
  return [exec];
}

/** Compose service commands (entrypoint, then command), `sh -c` scripts opened. */
export function serviceCommands(model: ComposeModel, s: ComposeService): ShellCommand[] {
  const cmds = [...(s.entrypoint?.commands ?? []), ...(s.command?.commands ?? [])];
  return openShellScripts(cmds, model.source);
}
