import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Diagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver/node';
import type { AnalysisResult, Finding } from '../engine/analyze';
import type { Severity } from '../engine/rule';

export const WEB_DOCS = 'https://github.com/seaworthy-dev/seaworthy/blob/main/docs/rules/';

/** Rule docs ship inside the extension; link to the local copy so the link works offline. */
export function ruleDocUrl(ruleId: string): string {
  const local = path.join(__dirname, '..', 'docs', 'rules', `${ruleId}.md`);
  try { if (fs.existsSync(local)) return pathToFileURL(local).toString(); } catch { /* fall through */ }
  return `${WEB_DOCS}${ruleId}.md`;
}

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };

/**
 * A message as the editor shows it: its first sentence (the hazard) is the diagnostic, one line in the
 * Problems panel; the explanation and the remedy (`rest`) are the hover's second paragraph (server.ts
 * onHover), and the whole text stays in the CLI and the report. A sentence ends at ". " followed by a
 * capital, outside quotes, backticks and parentheses.
 */
export function splitMessage(message: string): { lead: string; rest?: string } {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < message.length - 2; i++) {
    const c = message[i];
    if (quote) { if (c === quote) quote = undefined; continue; }
    if (c === '"' || c === '`') { quote = c; continue; }
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '.' && depth === 0 && message[i + 1] === ' ' && /[A-Z`"]/.test(message[i + 2])) {
      const rest = message.slice(i + 2).trim();
      return rest ? { lead: message.slice(0, i + 1), rest } : { lead: message };
    }
  }
  return { lead: message };
}

export function toDiagnostic(f: Finding, uri: string): Diagnostic {
  return {
    range: f.range,
    severity: LSP_SEVERITY[f.severity],
    source: 'seaworthy',
    code: f.ruleId,
    codeDescription: { href: ruleDocUrl(f.ruleId) },
    message: splitMessage(f.message).lead,
    relatedInformation: f.related?.map((r) => ({ message: r.message, location: { uri: r.file ? pathToFileURL(r.file).toString() : uri, range: r.range } })),
    data: { ruleId: f.ruleId, category: f.category },
  };
}

export function diagnosticsFor(result: AnalysisResult, uri: string): Diagnostic[] {
  const out = result.findings.map((f) => toDiagnostic(f, uri));
  for (const p of result.problems) out.push({ range: p.range, severity: LSP_SEVERITY[p.severity], source: 'seaworthy', code: 'parse-error', message: p.message });
  for (const s of result.unusedSuppressions) {
    out.push({
      range: s.range, severity: DiagnosticSeverity.Information, source: 'seaworthy', code: 'unused-suppression', tags: [DiagnosticTag.Unnecessary],
      message: `This seaworthy-ignore comment suppresses nothing${s.ruleIds.length ? ` (${s.ruleIds.join(', ')})` : ''}; remove it.`,
    });
  }
  return out;
}
