import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Severity } from '../../engine/rule';
import { allRules } from '../../rules';
import type { Report, ReportFinding } from '../types';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const DOCS = 'https://github.com/seaworthy-dev/seaworthy/blob/main/docs/rules/';

/** Relative paths as URI references: each segment percent-encoded, `/` kept. */
function uriOf(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** Where SARIF paths start: `%SRCROOT%`, the repository root (GitHub code scanning resolves them there). */
export interface SarifOptions { toolVersion?: string; srcRoot?: string }

/** A report path as a SARIF artifact location: relative to the source root, or an absolute file URI outside it. */
function locationOf(report: Report, srcRoot: string, file: string): { uri: string; uriBaseId?: string } {
  const abs = path.resolve(report.base, file);
  const rel = path.relative(srcRoot, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: uriOf(rel.split(path.sep).join('/')), uriBaseId: '%SRCROOT%' };
}

function result(f: ReportFinding, ruleIndex: Map<string, number>, location: (file: string) => { uri: string; uriBaseId?: string }): Record<string, unknown> {
  const r = f.range;
  const out: Record<string, unknown> = {
    ruleId: f.ruleId,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{
      physicalLocation: {
        artifactLocation: location(f.file),
        region: { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: Math.max(1, r.end.character + 1) },
      },
    }],
    partialFingerprints: { 'seaworthy/v1': f.fingerprint },
    properties: { category: f.category, section: f.section, blast: f.blast, affects: f.affects },
  };
  const idx = ruleIndex.get(f.ruleId);
  if (idx !== undefined) out.ruleIndex = idx;
  if (f.accepted) out.suppressions = [{ kind: 'inSource', justification: f.accepted.reason }];
  else if (f.suppressedWithoutReason) out.suppressions = [{ kind: 'inSource' }];
  return out;
}

/** SARIF 2.1.0 for GitHub code scanning and other viewers; the report's score travels in run properties. */
export function renderSarif(report: Report, options: SarifOptions = {}): string {
  const { toolVersion = '0.1.0', srcRoot = report.base } = options;
  const root = path.resolve(srcRoot);
  const rootUri = pathToFileURL(root).href.replace(/\/?$/, '/');
  const rules = [...allRules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const findings = report.sections.flatMap((s) => [...s.findings, ...s.accepted])
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'Seaworthy',
          informationUri: 'https://github.com/seaworthy-dev/seaworthy',
          version: toolVersion,
          rules: rules.map((r) => ({
            id: r.id,
            name: r.id.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(''),
            shortDescription: { text: r.title },
            fullDescription: { text: r.docs.why },
            helpUri: `${DOCS}${r.id}.md`,
            help: { text: r.docs.why, markdown: `${r.docs.why}\n\n[Rule documentation](${DOCS}${r.id}.md)` },
            defaultConfiguration: { level: LEVEL[r.severity] },
            properties: { category: r.category, tags: ['production-readiness', r.category] },
          })),
        },
      },
      originalUriBaseIds: { '%SRCROOT%': { uri: rootUri } },
      results: findings.map((f) => result(f, ruleIndex, (file) => locationOf(report, root, file))),
      columnKind: 'utf16CodeUnits',
      properties: {
        score: report.score,
        status: report.status,
        sections: report.sections.map((s) => ({ id: s.id, title: s.title, score: s.score, status: s.status })),
      },
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
