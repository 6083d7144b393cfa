/**
 * GitLab Code Quality report (a JSON array, the CodeClimate subset GitLab reads):
 * https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
 * Required per issue: description, check_name, fingerprint (unique per issue, stable across runs),
 * severity (info | minor | major | critical | blocker), location.path (from the repository root) and
 * location.lines.begin.
 */
import { createHash } from 'crypto';
import type { Severity } from '../../engine/rule';
import { printable } from '../../engine/mask';
import type { CheckOutput } from './types';

/** As ESLint's GitLab formatters map: a Seaworthy error is a major issue, a warning a minor one. */
export const GITLAB_SEVERITY: Record<Severity, 'info' | 'minor' | 'major'> = { error: 'major', warning: 'minor', info: 'info' };

export interface CodeQualityIssue {
  type: 'issue';
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  categories: string[];
  location: { path: string; lines: { begin: number; end: number } };
}

export function renderGitlab(out: CheckOutput): string {
  // A fingerprint must be unique in the report: identical findings get their occurrence number.
  const seen = new Map<string, number>();
  const unique = (base: string) => {
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return createHash('md5').update(`${base}\u0000${n}`).digest('hex');
  };
  const issues: CodeQualityIssue[] = [
    ...out.problems.map((p): CodeQualityIssue => ({
      type: 'issue', description: printable(p.message), check_name: 'seaworthy/unreadable-file', fingerprint: unique(`problem\u0000${p.repoPath}\u0000${p.message}`),
      severity: GITLAB_SEVERITY[p.severity], categories: ['Bug Risk'], location: { path: p.repoPath, lines: { begin: p.line, end: p.line } },
    })),
    ...out.findings.map((f): CodeQualityIssue => ({
      type: 'issue', description: `${printable(f.message)} (${f.ruleId})`, check_name: f.ruleId, fingerprint: unique(`${f.repoPath}\u0000${f.ruleId}\u0000${f.fingerprint}`),
      severity: GITLAB_SEVERITY[f.severity], categories: [f.category === 'secrets' ? 'Security' : 'Bug Risk'],
      location: { path: f.repoPath, lines: { begin: f.line, end: f.endLine } },
    })),
  ];
  return JSON.stringify(issues, null, 2) + '\n';
}
