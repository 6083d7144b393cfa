import type { Severity } from '../../engine/rule';
import { renderCheckstyle } from './checkstyle';
import { renderGithub } from './github';
import { renderGitlab } from './gitlab';
import { renderJunit } from './junit';
import type { CheckOutput } from './types';

/** `check --format` values; text, json and sarif are rendered by check itself (sarif through the report). */
export const CHECK_FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab', 'junit', 'checkstyle'] as const;
export type CheckFormat = typeof CHECK_FORMATS[number];
export type CiFormat = Exclude<CheckFormat, 'text' | 'json' | 'sarif'>;

export function isCheckFormat(v: string): v is CheckFormat { return (CHECK_FORMATS as readonly string[]).includes(v); }

export function renderCiFormat(format: CiFormat, out: CheckOutput, failOn: Severity): string {
  switch (format) {
    case 'github': return renderGithub(out);
    case 'gitlab': return renderGitlab(out);
    case 'junit': return renderJunit(out, failOn);
    case 'checkstyle': return renderCheckstyle(out);
  }
}

export type { CheckOutput, CheckedFinding, CheckedProblem } from './types';
