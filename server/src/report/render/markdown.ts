import type { Severity } from '../../engine/rule';
import type { Report, ReportFinding } from '../types';
import { printable } from '../../engine/mask';

const ICON: Record<string, string> = { pass: '✅ pass', warn: '⚠️ warn', fail: '❌ fail' };

/**
 * Markdown table cells and inline text: file content never opens an HTML tag (entities), a link, code
 * span or table cell (backslash escapes), stays on one line (CRLF, LF and a lone CR all end a Markdown
 * line) and shows control characters as escapes (the file may be read in a terminal).
 */
export function mdEscape(s: string): string {
  return printable(s.replace(/\r\n|[\r\n]/g, ' ')).replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function bar(score: number): string {
  const full = Math.round(score / 10);
  return '█'.repeat(full) + '░'.repeat(10 - full);
}

function where(f: ReportFinding): string {
  return `${mdEscape(f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
}

function counts(c: Record<Severity, number>): string {
  return `${c.error} error${c.error === 1 ? '' : 's'}, ${c.warning} warning${c.warning === 1 ? '' : 's'}, ${c.info} info`;
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  out.push('# Production Readiness Report', '');
  out.push(`**Score: ${report.score}/100** (${ICON[report.status]}) · ${report.totals.files} files · ${report.units} deployable unit${report.units === 1 ? '' : 's'} · ${counts(report.totals)} · ${report.totals.accepted} accepted risk${report.totals.accepted === 1 ? '' : 's'}`, '');
  if (!report.totals.files) out.push('> **No Dockerfile, Compose file or Kubernetes manifest was found**: there is nothing to score.', '');
  out.push('| Section | Score | Status | Findings |', '|---|---:|---|---:|');
  for (const s of report.sections) {
    out.push(s.score === null
      ? `| ${mdEscape(s.title)} | not assessed | ${s.checks ? 'not applicable' : 'review by hand'} | ${s.findings.length} |`
      : `| ${mdEscape(s.title)} | \`${bar(s.score)}\` ${s.score} | ${ICON[s.status]} | ${s.findings.length} |`);
  }
  out.push('', '## Fix first', '');
  if (!report.fixFirst.length) out.push('Nothing open.');
  report.fixFirst.forEach((f, i) => {
    out.push(`${i + 1}. **${f.severity}** ${where(f)} — ${mdEscape(f.message)} (\`${f.ruleId}\`${f.blast > 1 ? `, reaches ${f.blast} units` : ''})`);
  });
  for (const s of report.sections) {
    out.push('', `## ${mdEscape(s.title)} — ${s.score === null ? `not assessed (${s.checks ? 'not applicable' : 'no automated checks yet: review by hand'})` : `${s.score}/100 ${ICON[s.status]}`}`, '');
    out.push(`*What good looks like:* ${mdEscape(s.good)}`, '');
    if (s.notApplicable) out.push(`*Not applicable:* ${mdEscape(s.notApplicable)}.`, '');
    else if (s.checks) out.push(`*Assessed:* ${s.assessed} of ${s.checks} check${s.checks === 1 ? '' : 's'} (${s.checkList.map((c) => `\`${c.ruleId}\`${c.applicable ? '' : ' n/a'}`).join(', ')}).`, '');
    for (const f of s.findings) {
      out.push(`- **${f.severity}** ${where(f)} — ${mdEscape(f.message)} (\`${f.ruleId}\`${f.affects.length ? `; affects ${f.affects.map(mdEscape).join(', ')}` : ''}${f.suppressedWithoutReason ? '; suppressed without a reason' : ''})`);
    }
    if (s.accepted.length) {
      out.push('', '*Accepted risk:*', '');
      for (const f of s.accepted) out.push(`- ${where(f)} — ${mdEscape(f.message)} (\`${f.ruleId}\`; reason: ${mdEscape(f.accepted!.reason)})`);
    }
  }
  out.push('', '## Files', '', '| File | Kind | Score | Errors | Warnings | Info | Used by |', '|---|---|---:|---:|---:|---:|---|');
  for (const f of report.files) {
    out.push(`| ${mdEscape(f.file)} | ${f.kind ?? '—'} | ${f.score} | ${f.counts.error} | ${f.counts.warning} | ${f.counts.info} | ${f.usedBy.map(mdEscape).join(', ')} |`);
  }
  if (report.problems.length) {
    out.push('', '## Files that could not be read', '');
    for (const p of report.problems) out.push(`- ${mdEscape(p.file)}:${p.line} — ${mdEscape(p.message)}`);
  }
  out.push('', `<sub>Score = 100 × ${report.formula.halfScorePenalty} / (${report.formula.halfScorePenalty} + penalty per unit); penalty = severity weight (error ${report.formula.weights.error}, warning ${report.formula.weights.warning}, info ${report.formula.weights.info}) × units reached (max ${report.formula.maxBlast}). See docs/scoring.md.</sub>`, '');
  return out.join('\n');
}
