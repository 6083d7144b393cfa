import type { Finding } from '../../engine/analyze';
import type { Severity } from '../../engine/rule';
import type { CliFinding, CliProblem } from '../format';

/** A finding as the CI formats need it: also its path from the repository root and its baseline fingerprint. */
export interface CheckedFinding extends CliFinding {
  repoPath: string;
  /** engine/baseline.ts's fingerprint: rule, offending text and its line, secrets masked. */
  fingerprint: string;
  /** The engine's finding (absent for the CLI's own unused-suppression findings). */
  source?: Finding;
}
export interface CheckedProblem extends CliProblem { repoPath: string }

/** Everything one `check` run found, handed to a renderer. */
export interface CheckOutput {
  findings: CheckedFinding[];
  problems: CheckedProblem[];
  /** Every file analysed (display paths and repository paths), clean ones included. */
  scanned: { file: string; repoPath: string }[];
}

export const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'info'];
