import { randomBytes } from 'crypto';
import type { WorkspaceIndex } from '../workspace/index';
import { buildReport } from './build';
import { renderHtml } from './render/html';
import { renderJson } from './render/json';
import { renderMarkdown } from './render/markdown';
import { renderSarif, SarifOptions } from './render/sarif';
import type { Report } from './types';

export type ReportFormat = 'markdown' | 'html' | 'sarif' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['markdown', 'html', 'sarif', 'json'];
export const EXTENSIONS: Record<ReportFormat, string> = { markdown: 'md', html: 'html', sarif: 'sarif', json: 'json' };

/** The report of everything an index holds: the CLI and the language server both call this. */
export function reportOf(index: WorkspaceIndex): Report {
  return buildReport({ results: index.results(), links: index.links(), roots: index.roots });
}

/** Exports: HTML is self-contained (inline style and script under a CSP nonce made here). */
export function renderReport(report: Report, format: ReportFormat, sarif: SarifOptions = {}): string {
  switch (format) {
    case 'markdown': return renderMarkdown(report);
    case 'html': return renderHtml(report, { mode: 'export', nonce: randomBytes(16).toString('base64') });
    case 'sarif': return renderSarif(report, sarif);
    case 'json': return renderJson(report);
  }
}

export type { Report } from './types';
