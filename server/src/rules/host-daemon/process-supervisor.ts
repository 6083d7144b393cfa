import { defineRule, Fix, RelatedInfo, RuleContext, TextEdit } from '../../engine/rule';
import type { ComposeService } from '../../model/compose';
import type { DockerfileModel, Instruction } from '../../model/dockerfile';
import { effectiveInstruction, finalStage } from '../../model/dockerfile';
import { Range, rangeContains, SourceText } from '../../model/range';
import type { YView } from '../../parse/yaml-view';
import { eolOf, plainScalarSafe, yamlString } from '../backing-services/yaml-edit';
import {
  forkingDaemonOf, HARMLESS_FOLLOWERS, installedPackages, packageName, serviceStartOf, SUPERVISOR_PACKAGES, supervisorOf,
} from '../../knowledge/daemons';
import { parseShell, programOf, ShellCommand, SHELL_PROGRAMS } from '../../knowledge/shell';
import { containerCommands, dashColumn, execArgs, lineSpan, podsOf, runtimeInstructions } from './shared';
import { commandsOf, contentStart, openShellScripts } from '../../knowledge/container-commands';
import { trimEndOf } from '../../knowledge/text';

const CONSEQUENCE = 'The platform only watches the container\'s main process, so when the other one dies nobody restarts it, its logs and shutdown signals get lost, and the parts cannot be scaled or rolled out separately. Run one process per container (separate services, a sidecar, or a scheduled job for cron) and let the orchestrator restart and scale them.';

interface Hit { range: Range; what: string }

/** Why a runtime command list runs more than one long-lived process, per offending command. */
function judge(commands: ShellCommand[], source: SourceText): Hit[] {
  const hits: Hit[] = [];
  commands.forEach((c, i) => {
    const p = programOf(c);
    if (!p) return;
    const word = c.words[p.index];
    const at = (from = word, to = word) => source.range(from.start, to.end);
    const sup = supervisorOf(word.text);
    if (sup) { hits.push({ range: at(), what: `runs ${sup}, a process supervisor, as the container's main process` }); return; }
    const svc = serviceStartOf(c);
    if (svc) { hits.push({ range: at(svc.from, svc.to), what: `starts the "${svc.service}" service as a background daemon inside the container` }); return; }
    const next = commands.slice(i + 1).map(programOf).find((q) => q && !HARMLESS_FOLLOWERS.has(q.name));
    if (!next) return;
    // busybox applets: `busybox crond` is crond
    const name = p.name === 'busybox' && c.words[p.index + 1] ? c.words[p.index + 1].text : p.name;
    if (c.terminator === '&') {
      hits.push({ range: at(), what: `puts \`${name}\` in the background (&) and then runs \`${next.name}\`` });
      return;
    }
    const d = forkingDaemonOf(p.name === 'busybox' ? { ...c, words: c.words.slice(p.index + 1) } : c);
    if (d) hits.push({ range: at(), what: `starts \`${name}\`, which forks into the background, and then runs \`${next.name}\`` });
  });
  return hits;
}

function report(commands: ShellCommand[], where: string, source: SourceText, ctx: RuleContext, related?: RelatedInfo[], oneProcess?: () => OneProcess | undefined): void {
  const hits = judge(commands, source);
  if (!hits.length) return;
  const fix = oneProcess?.();
  const notes = fix ? fix.started.map((d) => ({ message: `the one-process fix drops this: run ${d.name} as its own container (a Compose service, a sidecar or its own Deployment) instead`, range: source.range(d.start, d.end) })) : [];
  const all = [...(related ?? []), ...notes];
  for (const h of hits) {
    ctx.report({ range: h.range, message: `${where} ${h.what}. ${CONSEQUENCE}`, related: all.length ? all : undefined, fix: fix && (() => fix.fix) });
  }
}

/** Programs that only keep a container alive or watch a log: when they are what remains, the started daemon was the app. */
const PLACEHOLDERS = new Set(['tail', 'sleep', 'wait', 'cat', 'true', ':', 'sh', 'bash', 'read', 'top', 'less', 'pause']);

interface Started { name: string; start: number; end: number }
interface OneProcess { fix: Fix; started: Started[] }

/** A word that means the same inside a JSON exec-form array: no expansion, globbing or assignment. */
const plainWord = (t: string) => t !== '' && !/[$`*?[\]{}~\\]/.test(t);

/** What remains of a script once the daemons it starts first are dropped (offsets in the script). */
interface OneProcessPlan {
  started: Started[];
  /** "nginx in its own container", "cron and redis-server in their own containers". */
  names: string;
  /** The remaining commands as written in the script. */
  remainder: string;
  /** The remainder as exec-form words, when it is one command of plain words (a leading `exec` dropped). */
  words?: string[];
}

/**
 * The one-process form of a script that first starts daemons (`service nginx start && node server.js`,
 * `/etc/init.d/cron start; exec app`, `nginx && node app`) and then runs the app. Undefined when the
 * daemons are not all at the start, when what remains only keeps the container alive (`tail -f`,
 * `sleep infinity`: the daemon is the app) or needs a supervisor. Shared by the Dockerfile, Compose
 * and Kubernetes fixes, which differ only in how they write the result.
 */
function planOneProcess(script: string, escapeChar = '\\'): OneProcessPlan | undefined {
  const cmds = parseShell(script, 0, escapeChar);
  if (!cmds.length || cmds.some((c) => c.terminator === '(' || c.terminator === ')')) return undefined;
  // The daemons started first, up to the first command that is neither one.
  const started: Started[] = [];
  let k = 0;
  for (; k < cmds.length - 1; k++) {
    const c = cmds[k];
    const p = programOf(c);
    if (!p || supervisorOf(c.words[p.index].text) || c.piped || !['&&', ';', '\n', '&'].includes(c.terminator ?? '')) break;
    const svc = serviceStartOf(c);
    const name = svc ? svc.service : (c.terminator === '&' || forkingDaemonOf(c)) ? (p.name === 'busybox' && c.words[p.index + 1] ? c.words[p.index + 1].text : p.name) : undefined;
    if (!name) break;
    started.push({ name, start: c.start, end: c.end });
  }
  const rest = cmds.slice(k);
  if (!started.length || rest[0].piped) return undefined;
  // Every other command must be free of daemons too, and something other than a keep-alive must remain.
  if (rest.some((c) => serviceStartOf(c) || (programOf(c) && supervisorOf(c.words[programOf(c)!.index].text)) || (c.terminator === '&' && c !== rest[rest.length - 1]))) return undefined;
  const main = programOf(rest[0]);
  if (!main || PLACEHOLDERS.has(main.name) || HARMLESS_FOLLOWERS.has(main.name)) return undefined;
  const list = [...new Set(started.map((d) => d.name))];
  const names = list.length === 1 ? `${list[0]} in its own container` : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]} in their own containers`;
  const remainder = trimEndOf(script.slice(rest[0].start, rest[rest.length - 1].end), /[\s;]/);
  // One command of plain words: exec form (a leading `exec` is what exec form does anyway).
  const one = rest.length === 1 ? rest[0] : undefined;
  let words = one && !one.redirects.length ? one.words : undefined;
  while (words && words[0]?.text === 'exec' && !words[0].quoted) words = words.slice(1);
  const startsWithAssignment = words?.some((w, i) => i === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text) && !w.quoted);
  // `exec -a name app`: the options are exec's, not the app's.
  const plain = words && words.length && !startsWithAssignment && !words[0].text.startsWith('-') && words.every((w) => plainWord(w.text));
  return { started, names, remainder, words: plain ? words!.map((w) => w.text) : undefined };
}

function fixTitle(plan: OneProcessPlan, shown: string): string {
  if (shown.includes('\n')) shown = `${shown.split('\n')[0]} …`;
  return `Run only \`${shown}\` in this container (run ${plan.names} instead)`;
}

/**
 * The one-process form of a shell-form CMD or `CMD ["sh", "-c", "..."]` that first starts daemons and
 * then runs the app (see planOneProcess): the app alone, in exec form when it is plain words, else
 * still through the shell. Undefined for heredocs, ONBUILD and when the ENTRYPOINT is shell form.
 */
export function oneProcessFix(model: DockerfileModel, ins: Instruction): OneProcess | undefined {
  if (ins.keyword !== 'CMD' || ins.heredocs.length || ins.onbuild) return undefined;
  const final = finalStage(model);
  const entrypoint = final && effectiveInstruction(final, 'ENTRYPOINT');
  if (entrypoint && !entrypoint.execForm) return undefined;
  const src = model.source;
  const argsEnd = ins.argsOffset + ins.argsText.length;
  const args = execArgs(ins, src);
  let script: string;
  let base = 0;
  if (!args) {
    script = ins.argsText;
    base = ins.argsOffset;
  } else {
    const p = args[0] && (args[0].value.split('/').pop() ?? '');
    if (args.length !== 3 || !SHELL_PROGRAMS.has(p) || p === 'busybox' || args[1].value !== '-c' || args[0].dynamic) return undefined;
    script = args[2].value;
    const at = src.offsetAt(args[2].range.start) + 1;
    base = src.text.slice(at, at + script.length) === script ? at : -1;
  }
  const plan = planOneProcess(script, args ? '\\' : model.escapeChar);
  if (!plan) return undefined;
  let newText: string;
  let shown: string;
  if (plan.words) {
    newText = `[${plan.words.map((w) => JSON.stringify(w)).join(', ')}]`;
    shown = plan.words.join(' ');
  } else if (!args) {
    newText = plan.remainder;
    shown = plan.remainder;
  } else {
    const raw = src.text.slice(src.offsetAt(args[0].range.start), src.offsetAt(args[1].range.end));
    newText = `[${raw}, ${JSON.stringify(plan.remainder)}]`;
    shown = plan.remainder;
  }
  const edit = { range: src.range(ins.argsOffset, argsEnd), newText };
  // Where each daemon is started in the document (the whole script string when its JSON escapes shift offsets).
  const whole = args && { start: src.offsetAt(args[2].range.start), end: src.offsetAt(args[2].range.end) };
  return {
    started: plan.started.map((d) => (base < 0 && whole ? { ...d, ...whole } : { ...d, start: base + d.start, end: base + d.end })),
    fix: { title: fixTitle(plan, shown), safety: 'unsafe', edits: [edit] },
  };
}

// ---------------------------------------------------------------- Compose `command:` and Kubernetes `command`/`args`

/** A string scalar written in place (not an alias to a node elsewhere), with where its value's text starts when written as-is. */
interface Scalar { view: YView; value: string; /** Offset of value[0] in the document when the source holds the value verbatim, else -1. */ at: number }

function scalarOf(v: YView | undefined, holder: Range): Scalar | undefined {
  const s = v?.str();
  if (!v || !s || !v.isScalar || !rangeContains(holder, v.range)) return undefined;
  const at = contentStart(s, v.source);
  return { view: v, value: s.value, at: v.source.text.slice(at, at + s.value.length) === s.value ? at : -1 };
}

/**
 * The edit that makes a scalar's value read `value[0, from) + text + value[to, )`: a splice of the source
 * when it holds the value verbatim and the result still reads back the same, else the whole scalar
 * rewritten JSON-quoted on one line (block scalars from their indicator to their last line).
 */
function scalarEdit(sc: Scalar, from: number, to: number, text: string): TextEdit | undefined {
  const src = sc.view.source;
  const next = sc.value.slice(0, from) + text + sc.value.slice(to);
  const start = src.offsetAt(sc.view.range.start);
  const style = src.text[start];
  const quoted = style === '"' || style === '\'';
  if (sc.at >= 0 && (quoted || plainScalarSafe(next))) return { range: src.range(sc.at + from, sc.at + to), newText: text };
  let end = src.offsetAt(sc.view.range.end);
  if (style === '|' || style === '>') {
    // A block scalar's header comment would go with it: leave such scalars alone.
    if (!/^[|>][-+0-9]*[ \t]*$/.test(src.lineText(sc.view.range.start.line).slice(sc.view.range.start.character))) return undefined;
    const { last, endOnLast } = lineSpan(src, start, end);
    end = src.lineStart(last) + endOnLast;
  }
  return { range: src.range(start, Math.max(start, end)), newText: JSON.stringify(next) };
}

/**
 * Replaces the items of a sequence (flow `[...]` on one line, or block items each on its own line
 * with nothing between them) with `words`, written in the sequence's style. Undefined for other layouts.
 */
function replaceSeq(seq: YView, words: string[]): TextEdit | undefined {
  const src = seq.source;
  const items = seq.items();
  if (!items.length) return undefined;
  const first = src.offsetAt(items[0].range.start);
  const style = src.text[first];
  if (src.text[src.offsetAt(seq.range.start)] === '[') {
    if (seq.range.start.line !== seq.range.end.line) return undefined;
    return { range: seq.range, newText: `[${words.map((w) => yamlString(w, style === '\'' ? '\'' : style === '"' ? '"' : 'plain')).join(', ')}]` };
  }
  const col = dashColumn(src, items[0]);
  if (col === undefined) return undefined;
  let line = items[0].range.start.line;
  let endOfLast = 0;
  for (const item of items) {
    if (item.range.start.line !== line || dashColumn(src, item) !== col) return undefined;
    const span = lineSpan(src, src.offsetAt(item.range.start), src.offsetAt(item.range.end));
    if (src.lineText(span.last).slice(span.endOnLast).trim() !== '') return undefined;
    line = span.last + 1;
    endOfLast = src.lineStart(span.last) + span.endOnLast;
  }
  const eol = eolOf(src.text);
  const pad = ' '.repeat(col);
  const text = words.map((w) => `${pad}- ${yamlString(w, style === '\'' || style === '"' ? style : 'plain')}`).join(eol);
  return { range: src.range(src.lineStart(items[0].range.start.line), endOfLast), newText: text };
}

/** `sh`/`bash`/... (not busybox), as exec form's first word. */
const isShell = (word: string) => { const p = word.split('/').pop() ?? ''; return SHELL_PROGRAMS.has(p) && p !== 'busybox'; };

/** Where a script sits: a scalar and the script's span in its value. */
interface ScriptAt { sc: Scalar; from: number; to: number }

/** The fix from a plan: `exec` makes the exec-form edit for plain words (undefined: keep the shell and rewrite the script). */
function yamlFix(at: ScriptAt, plan: OneProcessPlan, exec?: (words: string[]) => TextEdit | undefined): OneProcess | undefined {
  const src = at.sc.view.source;
  let edit = plan.words && exec ? exec(plan.words) : undefined;
  const shown = edit ? plan.words!.join(' ') : plan.remainder;
  edit ??= scalarEdit(at.sc, at.from, at.to, plan.remainder);
  if (!edit) return undefined;
  const whole = { start: src.offsetAt(at.sc.view.range.start), end: src.offsetAt(at.sc.view.range.end) };
  return {
    started: plan.started.map((d) => (at.sc.at < 0 ? { ...d, ...whole } : { ...d, start: at.sc.at + at.from + d.start, end: at.sc.at + at.from + d.end })),
    fix: { title: fixTitle(plan, shown), safety: 'unsafe', edits: [edit] },
  };
}

/**
 * The one-process fix of a Compose service's `command:`. The list form `[sh, -c, "<script>"]` becomes
 * the app's words (or keeps `sh -c` with the shortened script); the string form, which Compose splits
 * into words, becomes the app's command, `sh -c "<script>"` in it shortened inside its quotes.
 */
export function composeOneProcessFix(svc: ComposeService): OneProcess | undefined {
  const entry = svc.raw.entry('command');
  if (!entry || !rangeContains(svc.raw.range, entry.keyRange)) return undefined;
  const v = entry.value;
  if (v.isSeq) {
    if (!entry.valueInPlace) return undefined;
    const items = v.items().map((i) => scalarOf(i, v.range));
    if (items.length !== 3 || items.some((i) => !i)) return undefined;
    const [shell, flag, script] = items as Scalar[];
    if (!isShell(shell.value) || shell.view.str()!.dynamic || flag.value !== '-c') return undefined;
    const plan = planOneProcess(script.value);
    return plan && yamlFix({ sc: script, from: 0, to: script.value.length }, plan, (words) => replaceSeq(v, words));
  }
  const sc = scalarOf(v, entry.range);
  if (!sc) return undefined;
  // Compose splits a string command into words without a shell: `sh -c "<script>"` is three of them.
  const split = parseShell(sc.value, 0);
  const one = split.length === 1 ? split[0] : undefined;
  const w = one && !one.redirects.length && one.words.length === 3 ? one.words : undefined;
  // Words Compose splits back as they are: nothing its word splitter quotes, escapes or stops at.
  const joinable = (words: string[]) => words.every((x) => !/[\s'"\\#;&|<>()]/.test(x));
  if (w && isShell(w[0].text) && !w[0].quoted && w[1].text === '-c') {
    const raw = sc.value.slice(w[2].start, w[2].end);
    const inner = raw.length === w[2].text.length + 2 && /^(["']).*\1$/s.test(raw) && raw.slice(1, -1) === w[2].text ? 1 : raw === w[2].text ? 0 : -1;
    if (inner < 0) return undefined;
    const plan = planOneProcess(w[2].text);
    return plan && yamlFix({ sc, from: w[2].start + inner, to: w[2].end - inner }, plan,
      (words) => (joinable(words) ? scalarEdit(sc, 0, sc.value.length, words.join(' ')) : undefined));
  }
  const plan = planOneProcess(sc.value);
  return plan && yamlFix({ sc, from: 0, to: sc.value.length }, plan,
    (words) => (joinable(words) ? scalarEdit(sc, 0, sc.value.length, words.join(' ')) : undefined));
}

/**
 * The one-process fix of a Kubernetes container whose `command` + `args` are `sh -c "<script>"`: with
 * all three in one list, the app's words replace them (or the script is shortened); split between
 * `command` and `args`, the script is shortened and the shell kept.
 */
export function kubeOneProcessFix(container: YView): OneProcess | undefined {
  const argv: Scalar[] = [];
  const lists: YView[] = [];
  for (const key of ['command', 'args']) {
    const e = container.entry(key);
    if (!e) continue;
    if (!rangeContains(container.range, e.keyRange) || !e.value.isSeq || !e.valueInPlace) return undefined;
    lists.push(e.value);
    for (const i of e.value.items()) {
      const sc = scalarOf(i, e.value.range);
      if (!sc) return undefined;
      argv.push(sc);
    }
  }
  if (argv.length !== 3 || !isShell(argv[0].value) || argv[0].view.str()!.dynamic || argv[1].value !== '-c') return undefined;
  const script = argv[2];
  const plan = planOneProcess(script.value);
  return plan && yamlFix({ sc: script, from: 0, to: script.value.length }, plan, lists.length === 1 ? (words) => replaceSeq(lists[0], words) : undefined);
}

export default defineRule({
  id: 'process-supervisor',
  title: 'Several daemons in one container',
  category: 'host-daemon',
  principle: 'processes',
  severity: 'warning',
  fix: 'unsafe',
  peers: {},
  docs: {
    why: 'A container is supervised through its main process. When it starts supervisord, s6, runit or an init system, or starts `cron`, `sshd` or `nginx` in the background before the app, the orchestrator sees one healthy process while the others may have died: nothing restarts them, their logs do not reach stdout, they miss the stop signal and cannot be scaled, updated or resourced separately. One process per container keeps restarts, logs, health and scaling in the platform\'s hands.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nRUN apk add --no-cache nginx\nCOPY . /app\nCMD nginx && node /app/server.js' },
    good: { lang: 'yaml', code: 'services:\n  web:\n    image: nginx:1.25-alpine\n  app:\n    image: shop/app:1.4.2\n    command: ["node", "/app/server.js"]' },
    notes: 'Checks what runs at start: the shipped image\'s effective CMD/ENTRYPOINT (with `sh -c` scripts and heredocs), Compose `command`/`entrypoint`, Kubernetes `command`/`args` of regular containers. Flags supervisors (supervisord, s6-svscan, s6-overlay `/init`, runit, my_init, systemd), `service X start` / `systemctl start X` / `/etc/init.d/X start`, a program backgrounded with `&` followed by another program, and daemons that fork by default (cron, crond, sshd, nginx without `daemon off;`, php-fpm without `-F`) followed by another program. Not flagged: one program run with `exec`, `tini`/`dumb-init` as init, `app & wait $!`, `nginx -t && nginx -g "daemon off;"`, `&` in RUN (build time), and scripts such as `docker-entrypoint.sh` whose contents are unknown. When the image installs supervisor in a shipped stage, the finding points at that RUN too. Quick fix (unsafe): when a shell-form CMD or `CMD ["sh", "-c", "..."]`, a Compose `command:` (a string, or `[sh, -c, "..."]`) or a Kubernetes container\'s `command`/`args` (`sh -c "..."`) starts daemons first and then the app (`service nginx start && node server.js`, `/etc/init.d/cron start; exec app`, `nginx & node app`), it keeps only the app, as plain words (`CMD ["node", "server.js"]`, `command: node server.js`, `command: ["node", "server.js"]`) when it is one command of plain words and the shell and script sit in one list or string, else still through the shell with the shortened script; the daemons must then run in their own containers. No fix when what remains only keeps the container alive (`tail -f`, `sleep infinity`: the daemon is the app), for supervisors, when the ENTRYPOINT is shell form, for Compose `entrypoint:`, when words follow the `sh -c` script (they set `$0`, `$1`, ...), or for Helm templates.',
  },
  check: {
    dockerfile(model, ctx) {
      const related: RelatedInfo[] = [];
      for (const stage of model.stages) {
        if (!stage.ships) continue;
        for (const ins of stage.instructions) {
          if (ins.keyword !== 'RUN') continue;
          for (const c of commandsOf(ins, model.source)) {
            const inst = installedPackages(c);
            const pkg = inst?.packages.find((w) => SUPERVISOR_PACKAGES.has(packageName(w.text)));
            if (pkg) related.push({ message: `${packageName(pkg.text)} is installed into the shipped image here`, range: model.source.range(pkg.start, pkg.end) });
          }
        }
      }
      for (const ins of runtimeInstructions(model)) report(commandsOf(ins, model.source), ins.keyword, model.source, ctx, related.length ? related : undefined, () => oneProcessFix(model, ins));
    },
    compose(model, ctx) {
      for (const svc of model.services) {
        if (svc.command) report(openShellScripts(svc.command.commands, model.source), `Service "${svc.name}" command`, model.source, ctx, undefined, () => composeOneProcessFix(svc));
        if (svc.entrypoint) report(openShellScripts(svc.entrypoint.commands, model.source), `Service "${svc.name}" entrypoint`, model.source, ctx);
      }
    },
    kubernetes(model, ctx) {
      for (const pod of podsOf(model)) {
        for (const c of pod.containers) {
          if (!c.init) report(containerCommands(c.raw, model.source), `Container "${c.name}"`, model.source, ctx, undefined, () => (model.helm || pod.obj.templated ? undefined : kubeOneProcessFix(c.raw)));
        }
      }
    },
  },
});
