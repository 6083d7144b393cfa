/** Plain-text tables for the eval report (stdout is read by people and pasted into reviews). */

export type Cell = string | number;

export function table(header: string[], rows: Cell[][], rightAlignFrom = 1): string {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i >= rightAlignFrom ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

export const pct = (num: number, den: number): string => (den ? `${((100 * num) / den).toFixed(1)}%` : 'n/a');

export function heading(title: string): string {
  return `\n${title}\n${'='.repeat(title.length)}`;
}

/** One line per note, for hand review: `file:line [rule] message`. */
export function notes(title: string, items: { file: string; line: number; ruleId?: string; message?: string }[], limit = 40): string[] {
  if (!items.length) return [];
  const out = [`  ${title} (${items.length}):`];
  for (const n of items.slice(0, limit)) {
    const msg = n.message ? ` ${n.message.length > 140 ? n.message.slice(0, 137) + '...' : n.message}` : '';
    out.push(`    ${n.file}${n.line ? `:${n.line}` : ''}${n.ruleId ? ` [${n.ruleId}]` : ''}${msg}`);
  }
  if (items.length > limit) out.push(`    ... ${items.length - limit} more`);
  return out;
}
