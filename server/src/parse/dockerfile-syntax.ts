/**
 * Dockerfile syntax and semantics as the Docker builder judges them (unknown instructions, missing or
 * extra arguments, unknown flags, bad durations, unterminated quotes), through dockerfile-utils, the
 * validator behind the Docker extensions' own Dockerfile diagnostics. Style checks (casing, MAINTAINER,
 * which has a rule of its own) are left out: these are problems that stop or change a build.
 */
import { validate, ValidationCode, ValidationSeverity, ValidatorSettings } from 'dockerfile-utils';
import type { FileProblem } from '../engine/analyze';
import type { Severity } from '../engine/rule';

const SETTINGS: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.IGNORE,
  directiveCasing: ValidationSeverity.IGNORE,
  instructionCasing: ValidationSeverity.IGNORE,
  // BuildKit accepts empty continuation lines and relative WORKDIRs; they change nothing in the build.
  emptyContinuationLine: ValidationSeverity.IGNORE,
  instructionWorkdirRelative: ValidationSeverity.IGNORE,
  // Only the last CMD / ENTRYPOINT / HEALTHCHECK of a stage applies: the others are dead code.
  instructionCmdMultiple: ValidationSeverity.WARNING,
  instructionEntrypointMultiple: ValidationSeverity.WARNING,
  instructionHealthcheckMultiple: ValidationSeverity.WARNING,
  instructionJSONInSingleQuotes: ValidationSeverity.WARNING,
};

/** A `# syntax=` directive naming a frontend other than Docker's own may add instructions the validator does not know. */
const OTHER_FRONTEND = /^#\s*syntax\s*=\s*(?!(?:docker\.io\/)?docker\/dockerfile(?:-upstream)?(?::|\s|$))\S+/im;

/** LSP DiagnosticSeverity: 1 error, 2 warning, 3 information, 4 hint. */
const SEVERITY: Record<number, Severity> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'info' };

/**
 * dockerfile-utils takes time that grows faster than the file (a 80 KB file of short RUNs takes a second),
 * and it cannot be interrupted: longer files are not validated. Real Dockerfiles stay far below (the
 * largest of 29 public projects measured: 17 KB).
 */
export const SYNTAX_MAX_CHARS = 32 * 1024;

export function dockerfileSyntaxProblems(text: string): FileProblem[] {
  if (text.length > SYNTAX_MAX_CHARS) return [];
  const head = text.slice(0, 4096);
  const directives = head.split(/\r?\n/).filter((l) => /^\s*#/.test(l)).slice(0, 8).join('\n');
  if (OTHER_FRONTEND.test(directives)) return [];
  let found;
  try { found = validate(text, SETTINGS); } catch { return []; }
  let lines: string[] | undefined;
  const textOf = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) =>
    r.start.line === r.end.line ? ((lines ??= text.split(/\r\n|\r|\n/))[r.start.line] ?? '').slice(r.start.character, r.end.character) : undefined;
  // BuildKit takes `.` for the working directory, a folder, also without a trailing slash (`COPY a b .`).
  const kept = found.filter((d) => !(d.code === ValidationCode.INVALID_DESTINATION && textOf(d.range) === '.'));
  return kept.map((d) => ({
    range: d.range,
    severity: SEVERITY[d.severity ?? 1] ?? 'error',
    message: `Dockerfile syntax: ${(typeof d.message === 'string' ? d.message : d.message.value).replace(/\.$/, '')}.`,
  }));
}
