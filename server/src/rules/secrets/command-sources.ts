import type { Located } from '../../model/common';
import type { Range, SourceText } from '../../model/range';
import type { ComposeModel } from '../../model/compose';
import type { DockerfileModel, Instruction } from '../../model/dockerfile';
import type { KubernetesModel } from '../../model/kubernetes';
import { allContainers } from '../../model/kubernetes';
import { parseShell, programOf, ShellCommand, SHELL_PROGRAMS } from '../../knowledge/shell';
import type { YView } from '../../parse/yaml-view';

/** Shell commands one place of a file runs, with words for advice in messages. */
export interface CommandSite {
  /** `RUN`, `Service "api" command`, `Container "api" args`, ... */
  where: string;
  /** Which file kind's advice applies. */
  kind: 'build' | 'image-config' | 'compose' | 'kubernetes';
  commands: ShellCommand[];
  /** Text range whose secretlint matches belong to this site. */
  range: Range;
}


export function dockerfileSites(model: DockerfileModel): CommandSite[] {
  const out: CommandSite[] = [];
  const visit = (ins: Instruction, label: string) => {
    if (ins.onbuild) visit(ins.onbuild, `ONBUILD ${ins.onbuild.keyword}`);
    if (!ins.commands.length) return;
    const commands = ins.execForm ? execFormCommands(ins.execForm, model.source) : ins.commands;
    out.push({ where: label, kind: ins.keyword === 'RUN' ? 'build' : 'image-config', commands, range: ins.range });
  };
  for (const ins of model.instructions) visit(ins, ins.keyword);
  return out;
}

/**
 * Exec-form words decoded from their JSON source text, so escapes and spaces inside a string survive
 * whatever form the parser's values take.
 */
function execFormCommands(items: Located[], source: SourceText): ShellCommand[] {
  const decoded = items.map((l) => {
    const raw = source.slice(l.range);
    let value = l.value;
    try { if (raw.startsWith('"')) value = JSON.parse(raw) as string; } catch { /* keep the parser's value */ }
    return { ...l, value };
  });
  return decoded.length ? listCommands(decoded, source) : [];
}

export function composeSites(model: ComposeModel): CommandSite[] {
  const out: CommandSite[] = [];
  for (const s of model.services) {
    if (s.command) out.push({ where: `Service "${s.name}" command`, kind: 'compose', commands: s.command.commands, range: s.command.range });
    if (s.entrypoint) out.push({ where: `Service "${s.name}" entrypoint`, kind: 'compose', commands: s.entrypoint.commands, range: s.entrypoint.range });
    const test = s.raw.get('healthcheck')?.get('test');
    if (test) {
      const commands = healthcheckCommands(test, model.source);
      if (commands.length) out.push({ where: `Service "${s.name}" healthcheck`, kind: 'compose', commands, range: test.range });
    }
  }
  return out;
}

/** `test: ["CMD", ...]`, `["CMD-SHELL", "script"]` or a string (run by a shell). */
function healthcheckCommands(test: YView, source: SourceText): ShellCommand[] {
  const one = test.str();
  if (one) return scalarShell(one, source);
  const items = test.items().map((i) => i.str()).filter((x): x is Located => !!x);
  if (!items.length) return [];
  const head = items[0].value.toUpperCase();
  if (head === 'CMD-SHELL') return items[1] ? scalarShell(items[1], source) : [];
  if (head === 'CMD') return listCommands(items.slice(1), source);
  return [];
}

export function kubernetesSites(model: KubernetesModel): CommandSite[] {
  const out: CommandSite[] = [];
  for (const obj of model.objects) {
    if (!obj.workload) continue;
    for (const c of allContainers(obj.workload)) {
      const words = [...c.command, ...c.args];
      if (words.length) {
        const what = c.command.length && c.args.length ? 'command/args' : c.command.length ? 'command' : 'args';
        out.push({ where: `Container "${c.name}" ${what}`, kind: 'kubernetes', commands: listCommands(words, model.source), range: spanOf(words) });
      }
      for (const [key, label] of [['livenessProbe', 'liveness probe'], ['readinessProbe', 'readiness probe'], ['startupProbe', 'startup probe']]) {
        addExec(c.raw.get(key)?.get('exec'), `Container "${c.name}" ${label}`);
      }
      addExec(c.raw.get('lifecycle')?.get('postStart')?.get('exec'), `Container "${c.name}" postStart hook`);
      addExec(c.raw.get('lifecycle')?.get('preStop')?.get('exec'), `Container "${c.name}" preStop hook`);
    }
  }
  return out;

  function addExec(exec: YView | undefined, where: string) {
    const cmd = exec?.get('command');
    if (!cmd) return;
    const words = cmd.items().map((i) => i.str()).filter((x): x is Located => !!x);
    if (words.length) out.push({ where, kind: 'kubernetes', commands: listCommands(words, model.source), range: cmd.range });
  }
}

function spanOf(words: Located[]): Range {
  return { start: words[0].range.start, end: words[words.length - 1].range.end };
}

/** Offset where a YAML scalar's characters start (after an opening quote). */
function contentStart(l: Located, source: SourceText): number {
  const s = source.offsetAt(l.range.start);
  const c = source.text[s];
  return c === '"' || c === '\'' ? s + 1 : s;
}

/** An exec-form list as one command; `sh -c "script"` becomes the script's commands. */
function listCommands(items: Located[], source: SourceText): ShellCommand[] {
  // `test: ["CMD"]` names no program: there is no command to read.
  if (!items.length) return [];
  const words = items.map((l) => ({ text: l.value, start: source.offsetAt(l.range.start), end: source.offsetAt(l.range.end), quoted: true }));
  const cmd: ShellCommand = { words, redirects: [], start: words[0].start, end: words[words.length - 1].end, piped: false };
  const p = programOf(cmd);
  if (p && SHELL_PROGRAMS.has(p.name) && /^-\w*c$/.test(words[p.index + 1]?.text ?? '') && items[p.index + 2]) {
    return [...scalarShell(items[p.index + 2], source), ...(p.index + 3 < items.length ? [{ ...cmd, words: words.slice(p.index + 3) }] : [])];
  }
  return [cmd];
}

/**
 * A shell script held in one YAML scalar. Offsets are exact when the scalar's text is its value; block
 * and escaped scalars keep word values but point every word at the whole scalar.
 */
function scalarShell(l: Located, source: SourceText): ShellCommand[] {
  const start = contentStart(l, source);
  if (source.text.slice(start, start + l.value.length) === l.value) return parseShell(l.value, start);
  const s = source.offsetAt(l.range.start), e = source.offsetAt(l.range.end);
  return parseShell(l.value, 0).map((c) => ({
    ...c, start: s, end: e,
    words: c.words.map((w) => ({ ...w, start: s, end: e })),
    redirects: [],
  }));
}
