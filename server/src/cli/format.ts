import type { AnalysisResult, Finding } from '../engine/analyze';
import type { Severity } from '../engine/rule';
import { printable } from '../engine/mask';

export interface CliFinding { file: string; line: number; column: number; endLine: number; endColumn: number; ruleId: string; category: string; severity: Severity; message: string }
export interface CliProblem { file: string; line: number; column: number; severity: Severity; message: string }

export function toCliFindings(file: string, r: AnalysisResult): { findings: CliFinding[]; problems: CliProblem[] } {
  const conv = (f: Finding): CliFinding => ({
    file, line: f.range.start.line + 1, column: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1,
    ruleId: f.ruleId, category: f.category, severity: f.severity, message: f.message,
  });
  return {
    findings: r.findings.map(conv),
    problems: r.problems.map((p) => ({ file, line: p.range.start.line + 1, column: p.range.start.character + 1, severity: p.severity, message: p.message })),
  };
}

const useColor = () => process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, s: string) => (useColor() ? `\u001b[${code}m${s}\u001b[0m` : s);
const SEV_COLOR: Record<Severity, string> = { error: '31', warning: '33', info: '36' };

/** ESLint "stylish"-like: findings grouped by file, then a summary line. */
/** `notListed`: one line about what was left out of the list (info findings, by default). */
export function formatText(findings: CliFinding[], problems: CliProblem[], filesScanned: number, notListed?: string): string {
  const byFile = new Map<string, (CliFinding | (CliProblem & { ruleId?: string }))[]>();
  for (const p of problems) (byFile.get(p.file) ?? byFile.set(p.file, []).get(p.file)!).push(p);
  for (const f of findings) (byFile.get(f.file) ?? byFile.set(f.file, []).get(f.file)!).push(f);
  const out: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const [file, items] of byFile) {
    out.push('', paint('4', printable(file)));
    const rows = items.map((i) => [`${i.line}:${i.column}`, i.severity, i.message, (i as CliFinding).ruleId ?? 'parse'] as const);
    const w0 = Math.max(...rows.map((r) => r[0].length));
    for (const [pos, sev, msg, id] of rows) {
      counts[sev]++;
      out.push(`  ${paint('2', pos.padEnd(w0))}  ${paint(SEV_COLOR[sev], sev.padEnd(7))}  ${printable(msg)}  ${paint('2', printable(id))}`);
    }
  }
  const total = counts.error + counts.warning + counts.info;
  out.push('');
  if (total) out.push(paint(counts.error ? '31;1' : '33;1', `✖ ${total} problem${total === 1 ? '' : 's'} (${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info) in ${filesScanned} file${filesScanned === 1 ? '' : 's'}`));
  else out.push(paint('32', `✔ No problems${notListed ? ' listed' : ''} in ${filesScanned} file${filesScanned === 1 ? '' : 's'}`));
  if (notListed) out.push(paint('36', notListed));
  return out.join('\n') + '\n';
}
