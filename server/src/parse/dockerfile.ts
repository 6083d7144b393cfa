import { DockerfileParser, Arg, Copy, Env, Label, From, Instruction as AstInstruction, JSONInstruction, ModifiableInstruction, Property, Run, Onbuild } from 'dockerfile-ast';
import type { EnvEntry, Located, ParseProblem } from '../model/common';
import type { DockerfileModel, DockerfileFlag, Heredoc, Instruction, Stage } from '../model/dockerfile';
import { loneCrOffsets } from '../model/line-breaks';
import { SourceText } from '../model/range';
import { dockerfileParserView, heredocsOf, readInstructions, unreadableHeredocs, unreadableInstruction } from './dockerfile-guard';
import { parseImageRef } from '../knowledge/image';
import { isDynamicText, substitute } from '../knowledge/interpolation';
import { parseShell, programOf, ShellCommand, SHELL_PROGRAMS } from '../knowledge/shell';


/**
 * dockerfile-ast recomputes an instruction's arguments (a character scan with a position lookup per
 * argument) on every getArguments/getFlags/getRawArgumentsContent/getHeredocs call, and its parser and
 * our model builder call them several times per instruction. While parseDockerfile runs, the first
 * result per instruction is kept in a map (not on the instruction: a new property would make the
 * library's own code polymorphic) and copies are handed out, as callers such as
 * ModifiableInstruction.getArguments shift the array they get. Outside parseDockerfile, e.g. for other
 * users of the library in the same process, the method computes as before.
 */
let rawArguments: Map<object, unknown[]> | undefined;
// getRawArguments is private in the typings; it is what every public argument accessor calls.
const proto = AstInstruction.prototype as unknown as { getRawArguments(): unknown[] };
const computeRawArguments = proto.getRawArguments;
proto.getRawArguments = function (this: object) {
  if (!rawArguments) return computeRawArguments.call(this);
  let args = rawArguments.get(this);
  if (!args) rawArguments.set(this, (args = computeRawArguments.call(this)));
  return args.slice();
};

function memoised<T>(f: () => T): T {
  const outer = rawArguments;
  rawArguments ??= new Map();
  try { return f(); } finally { rawArguments = outer; }
}

export function parseDockerfile(uri: string, text: string): DockerfileModel {
  return memoised(() => buildModel(uri, text));
}

function buildModel(uri: string, text: string): DockerfileModel {
  // The model reads what the parser reads: lone CRs as LF, at the same offsets and positions, so rules'
  // shell parsing agrees with dockerfile-ast about continuations; edits still apply to the original text.
  const view = dockerfileParserView(text);
  const source = new SourceText(view);
  const problems: ParseProblem[] = [];
  const { nodes, escapeChar } = readInstructions(view, source, problems);
  const instructions: Instruction[] = [];
  const stages: Stage[] = [];
  const globalArgs: EnvEntry[] = [];
  let current: Stage | undefined;
  let openHeredocFrom: number | undefined;

  for (const node of nodes) {
    let ins: Instruction;
    try {
      ins = toInstruction(node, source, escapeChar, problems);
      openHeredocFrom ??= unterminatedHeredoc(node, ins, source, problems);
    } catch (e) {
      // dockerfile-ast throws on some inputs (see docs/upstream): lose this instruction, not the file.
      problems.push(unreadableInstruction(node, e, source));
      continue;
    }
    instructions.push(ins);
    if (ins.keyword === 'FROM') {
      current = newStage(node as From, ins, stages, globalArgs, source);
      stages.push(current);
      continue;
    }
    if (current) { ins.stage = current; current.instructions.push(ins); }
    else if (ins.keyword === 'ARG') globalArgs.push(...ins.properties);
  }
  if (stages.length) stages[stages.length - 1].isFinal = true;
  for (let s: Stage | undefined = stages[stages.length - 1]; s; s = s.parent) s.ships = true;
  const loneCr = loneCrNote(text, source);
  if (loneCr) problems.push(loneCr);
  return { kind: 'dockerfile', uri, source, escapeChar, instructions, stages, globalArgs, problems, openHeredocFrom };
}

/**
 * BuildKit splits a Dockerfile at LF only, so a lone CR joins two lines that editors, dockerfile-ast and
 * this analysis show apart (docs/line-breaks.md). Said once per file, at the first lone CR.
 */
function loneCrNote(text: string, source: SourceText): ParseProblem | undefined {
  const all = loneCrOffsets(text);
  if (!all.length) return undefined;
  const at = source.positionAt(all[0]);
  const more = all.length > 1 ? ` This file has ${all.length} of them.` : '';
  return {
    severity: 'warning',
    range: source.range(all[0], all[0]),
    message: `Line ${at.line + 1} ends in a lone CR (a carriage return without a line feed). Docker does not break lines there: \`docker build\` reads line ${at.line + 1} and the line after it as one line, unlike editors and this analysis.${more} Save the file with LF or CRLF line endings.`,
  };
}

/**
 * Docker stops with "unterminated heredoc" when no line closes a heredoc of RUN or COPY. Reports it and
 * returns the offset from which the heredoc swallows the rest of the file.
 */
function unterminatedHeredoc(node: AstInstruction, ins: Instruction, source: SourceText, problems: ParseProblem[]): number | undefined {
  const mayHold = node instanceof Run ? ins.heredocs.some((h) => !h.terminated) : node instanceof Copy && ins.argsText.includes('<<');
  const open = mayHold ? heredocsOf(node as Run | Copy, (e) => { if (node instanceof Copy) problems.push(unreadableHeredocs(node, e, source)); }).find((h) => h.getDelimiterRange() === null) : undefined;
  if (!open) return undefined;
  const line = open.getStartRange().end.line;
  problems.push({
    range: ins.keywordRange,
    message: `The heredoc <<${open.getName()} opened on line ${line + 1} is never closed (no line reads \`${open.getName()}\`): \`docker build\` stops with "unterminated heredoc", and reads everything after line ${line + 1} as its content.`,
  });
  return source.lineEnd(line);
}

function newStage(from: From, ins: Instruction, stages: Stage[], globalArgs: EnvEntry[], source: SourceText): Stage {
  const name = from.getBuildStage()?.toLowerCase() ?? undefined;
  const nameRange = from.getBuildStageRange() ?? undefined;
  const rawImage = from.getImage() ?? '';
  const imageRange = from.getImageRange() ?? ins.range;
  const vars = new Map<string, string | undefined>(globalArgs.map((a) => [a.name, a.value]));
  const resolved = isDynamicText(rawImage) ? substitute(rawImage, vars) : rawImage;
  const parent = stages.find((s) => s.name && s.name === (resolved ?? rawImage).toLowerCase());
  const platform = from.getPlatformFlag()?.getValue() ?? undefined;
  let image;
  if (!parent && (resolved ?? rawImage).toLowerCase() !== 'scratch' && rawImage) {
    image = parseImageRef(resolved ?? rawImage, imageRange, resolved === undefined);
    image.raw = rawImage;
  }
  return { index: stages.length, name, nameRange, from: ins, image, parent, instructions: [], isFinal: false, ships: false, platform };
}

function toInstruction(node: AstInstruction, source: SourceText, escapeChar: string, problems: ParseProblem[]): Instruction {
  const keyword = node.getKeyword().toUpperCase();
  const range = node.getRange();
  const keywordRange = node.getInstructionRange();
  const flags: DockerfileFlag[] = node instanceof ModifiableInstruction
    ? node.getFlags().map((f) => ({ name: f.getName(), value: f.getValue() ?? undefined, range: f.getRange(), valueRange: f.getValueRange() ?? undefined }))
    : [];
  const argsStartPos = flags.length ? flags[flags.length - 1].range.end : keywordRange.end;
  let argsOffset = source.offsetAt(argsStartPos);
  const endOffset = source.offsetAt(range.end);
  while (argsOffset < endOffset && (source.text[argsOffset] === ' ' || source.text[argsOffset] === '\t')) argsOffset++;
  const argsText = source.text.slice(argsOffset, endOffset);

  let execForm: Located[] | undefined;
  if (node instanceof JSONInstruction && node.getOpeningBracket() && node.getClosingBracket()) {
    // dockerfile-ast drops whitespace inside JSON strings; decode each string from its source text instead.
    execForm = node.getJSONStrings().map((s) => {
      const value = decodeJsonString(source.slice(s.getRange())) ?? s.getJSONValue();
      return { value, range: s.getRange(), dynamic: isDynamicText(value) };
    });
  }
  const heredocs: Heredoc[] = node instanceof Run ? heredocsOf(node, (e) => problems.push(unreadableHeredocs(node, e, source))).map((h) => {
    const cr = h.getContentRange();
    const start = cr ? source.offsetAt(cr.start) : 0;
    return { name: h.getName(), content: cr ? source.slice(cr) : '', contentStart: start, contentRange: cr ?? undefined, terminated: h.getDelimiterRange() !== null };
  }) : [];

  let args: Located[] | undefined;
  const ins: Instruction = {
    keyword, range, keywordRange, argsText, argsRange: argsText ? source.range(argsOffset, endOffset) : undefined, argsOffset,
    // dockerfile-ast splits arguments slowly; most rules never need them for RUN, so split on first use.
    get args() { return (args ??= memoised(() => node.getArguments()).map((a) => ({ value: a.getValue(), range: a.getRange(), dynamic: isDynamicText(a.getValue()) }))); },
    flags, execForm, commands: [], properties: properties(node, source), heredocs,
  };
  if (['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK'].includes(keyword)) ins.commands = commandsOf(ins, escapeChar, source);
  if (node instanceof Onbuild) {
    const trigger = node.getTriggerInstruction();
    if (trigger) ins.onbuild = toInstruction(trigger, source, escapeChar, problems);
  }
  return ins;
}

function properties(node: AstInstruction, source: SourceText): EnvEntry[] {
  let props: Property[] = [];
  if (node instanceof Env || node instanceof Label) props = node.getProperties();
  else if (node instanceof Arg) { const p = node.getProperty(); if (p) props = [p]; }
  return props.map((p) => {
    const value = p.getValue() ?? undefined;
    const valueRange = p.getValueRange() ?? undefined;
    return {
      name: p.getName(), nameRange: p.getNameRange(), value, valueRange, range: p.getRange(),
      dynamic: value !== undefined && isDynamicText(value),
    };
  });
}

function commandsOf(ins: Instruction, escapeChar: string, source: SourceText): ShellCommand[] {
  if (ins.execForm) {
    const words = ins.execForm.map((w) => {
      // The range includes the quotes; the word's offsets cover the characters between them.
      const start = source.offsetAt(w.range.start) + 1;
      return { text: w.value, start, end: Math.max(start, source.offsetAt(w.range.end) - 1), quoted: true };
    });
    if (!words.length) return [];
    const exec: ShellCommand = { words, redirects: [], start: words[0].start, end: words[words.length - 1].end, piped: false };
    // ["sh", "-c", "script"]: the script is what really runs.
    const p = programOf(exec);
    if (p && SHELL_PROGRAMS.has(p.name) && words[p.index + 1]?.text === '-c' && words[p.index + 2]) {
      const script = words[p.index + 2];
      const raw = source.text.slice(script.start, script.end);
      // JSON escapes (\" \n) shift offsets; parse the decoded script and point its words at the whole string then.
      if (raw === script.text) return parseShell(raw, script.start, '\\');
      return parseShell(script.text, 0, '\\').map((c) => ({ ...c, start: script.start, end: script.end, words: c.words.map((w) => ({ ...w, start: script.start, end: script.end })) }));
    }
    return [exec];
  }
  let text = ins.argsText;
  let base = ins.argsOffset;
  if (ins.keyword === 'HEALTHCHECK') {
    const m = /^(?:CMD|NONE)\b\s*/i.exec(text);
    if (!m || /^NONE/i.test(text)) return [];
    text = text.slice(m[0].length); base += m[0].length;
  }
  if (!ins.heredocs.length) return parseShell(text, base, escapeChar);
  // With heredocs, the first line is the command; a heredoc fed to a shell (or standing alone) is a script.
  const firstLineEnd = text.indexOf('\n');
  const head = parseShell(firstLineEnd < 0 ? text : text.slice(0, firstLineEnd), base, escapeChar);
  const out: ShellCommand[] = [];
  for (const cmd of head) {
    const p = programOf(cmd);
    const runsScript = !p || SHELL_PROGRAMS.has(p.name) || p.name === 'python' || p.name === 'python3';
    if (p) out.push(cmd);
    if (!runsScript || (p && p.name.startsWith('python'))) continue;
    for (const r of cmd.redirects) {
      if (!r.op.startsWith('<<') || !r.target) continue;
      const name = r.target.text.replace(/^-/, '');
      const doc = ins.heredocs.find((h) => h.name === name);
      if (doc) out.push(...parseShell(doc.content, doc.contentStart, '\\'));
    }
  }
  return out;
}

function decodeJsonString(raw: string): string | undefined {
  try {
    const v = JSON.parse(raw);
    return typeof v === 'string' ? v : undefined;
  } catch { return undefined; }
}
