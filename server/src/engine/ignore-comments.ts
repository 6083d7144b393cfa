import type { Model } from './rule';
import type { Range } from '../model/range';
import { findIgnoreComment } from './suppress';

/**
 * Where an "ignore" comment goes for a finding: the line above the instruction (Dockerfile) or key
 * (YAML) that carries it, indented like it; for a whole file, after Dockerfile parser directives.
 */
export function ignoreLineEdit(model: Model, range: Range, ruleId: string): { range: Range; newText: string } {
  let line = range.start.line;
  if (model.kind === 'dockerfile') {
    const ins = model.instructions.find((i) => i.range.start.line <= line && line <= i.range.end.line);
    if (ins) line = ins.range.start.line;
  }
  const text = model.source.lineText(line);
  const indent = /^[ \t]*/.exec(text)?.[0] ?? '';
  const previous = line > 0 ? model.source.lineText(line - 1) : '';
  const existing = findIgnoreComment(previous, 'line');
  if (existing && previous.slice(0, existing.hash).trim() === '' && existing.idsStart > existing.keywordEnd) {
    // Extend an existing ignore comment rather than stacking a second one.
    const ids = existing.ids.split(/[,\s]+/).filter(Boolean);
    if (!ids.includes(ruleId)) ids.push(ruleId);
    const start = { line: line - 1, character: 0 };
    const newText = `${previous.slice(0, existing.idsStart)}${ids.join(',')}${existing.reasonStart < previous.length ? previous.slice(existing.reasonStart) : ''}`;
    return { range: { start, end: { line: line - 1, character: previous.length } }, newText };
  }
  const at = { line, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}# seaworthy-ignore ${ruleId} -- reason\n` };
}

export function ignoreFileEdit(model: Model, ruleId: string): { range: Range; newText: string } {
  let line = 0;
  if (model.kind === 'dockerfile') {
    // Parser directives (`# syntax=`, `# escape=`, `# check=`) must stay first or they stop being directives.
    while (line < model.source.lineCount && /^#\s*[a-z]+\s*=/i.test(model.source.lineText(line))) line++;
  }
  const existing = new RegExp(`^#\\s*seaworthy-ignore-file\\b.*\\b${ruleId}\\b`, 'm');
  if (existing.test(model.source.text)) return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: '' };
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `# seaworthy-ignore-file ${ruleId} -- reason\n` };
}
