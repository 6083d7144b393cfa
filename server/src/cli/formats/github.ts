/**
 * GitHub Actions workflow commands: each finding becomes an annotation shown on the pull request's diff.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions#setting-an-error-message
 *   ::error file={name},line={line},endLine={endLine},col={col},endColumn={endColumn},title={title}::{message}
 * Escaping as the runner unescapes (actions/toolkit command.ts): in the message `%`, CR and LF; in
 * property values also `:` and `,`.
 */
import type { Severity } from '../../engine/rule';
import { printable } from '../../engine/mask';
import type { CheckOutput } from './types';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(severity: Severity, props: [string, string | number][], message: string): string {
  const p = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${COMMAND[severity]} ${p}::${escapeData(message)}`;
}

export function renderGithub(out: CheckOutput): string {
  const lines: string[] = [];
  for (const p of out.problems) lines.push(command(p.severity, [['file', p.repoPath], ['line', p.line], ['col', p.column], ['title', 'Seaworthy: file not analysed']], printable(p.message)));
  for (const f of out.findings) {
    const props: [string, string | number][] = [['file', f.repoPath], ['line', f.line], ['endLine', f.endLine], ['col', f.column]];
    // GitHub takes a column range only within one line.
    if (f.endLine === f.line && f.endColumn > f.column) props.push(['endColumn', f.endColumn]);
    props.push(['title', `Seaworthy ${f.ruleId}`]);
    lines.push(command(f.severity, props, printable(f.message)));
  }
  const n = out.findings.length;
  lines.push(`Seaworthy: ${n} finding${n === 1 ? '' : 's'}, ${out.problems.length} unreadable, in ${out.scanned.length} file${out.scanned.length === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}
