/**
 * Checkstyle XML, which reviewdog (`-f=checkstyle`), Jenkins' warnings-ng and many code review tools read:
 * <checkstyle><file name><error line column severity message source/></file></checkstyle>
 */
import { printable } from '../../engine/mask';
import type { CheckOutput } from './types';
import { xml } from './xml';

export function renderCheckstyle(out: CheckOutput): string {
  const byFile = new Map<string, string[]>();
  const add = (file: string, line: string) => (byFile.get(file) ?? byFile.set(file, []).get(file)!).push(line);
  for (const s of out.scanned) byFile.set(s.repoPath, []);
  for (const p of out.problems) add(p.repoPath, `    <error line="${p.line}" column="${p.column}" severity="${p.severity}" message="${xml(printable(p.message))}" source="seaworthy.unreadable-file"/>`);
  for (const f of out.findings) add(f.repoPath, `    <error line="${f.line}" column="${f.column}" severity="${f.severity}" message="${xml(printable(f.message))}" source="seaworthy.${xml(f.ruleId)}"/>`);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  for (const [file, errors] of byFile) {
    if (!errors.length) { lines.push(`  <file name="${xml(file)}"/>`); continue; }
    lines.push(`  <file name="${xml(file)}">`, ...errors, '  </file>');
  }
  lines.push('</checkstyle>');
  return lines.join('\n') + '\n';
}
