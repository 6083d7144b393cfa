import type { Severity } from '../engine/rule';

/**
 * The scoring formula (docs/scoring.md explains it with a worked example). Integer inputs and integer
 * arithmetic only, so the same findings give the same score on every machine and in every host.
 */
export const WEIGHTS: Readonly<Record<Severity, number>> = { error: 10, warning: 3, info: 1 };
/** A finding reaching more units weighs more, up to this many. */
export const MAX_BLAST = 5;
/** Penalty per unit at which a score is 50. */
export const HALF_SCORE_PENALTY = 20;

export type Status = 'pass' | 'warn' | 'fail';

/** Penalty of one open finding: its severity's weight times the units it reaches (1..MAX_BLAST). */
export function penaltyOf(severity: Severity, blast: number): number {
  return WEIGHTS[severity] * Math.min(MAX_BLAST, Math.max(1, Math.floor(blast)));
}

/**
 * score = 100 × K / (K + penalty / units), rounded half up, with K = HALF_SCORE_PENALTY. Dividing by the
 * workspace's units (services, workloads, standalone images) compares a large repository by its
 * hazards per service rather than by their total.
 */
export function scoreFrom(penalty: number, units: number): number {
  const u = Math.max(1, Math.floor(units));
  const num = 100 * HALF_SCORE_PENALTY * u;
  const den = HALF_SCORE_PENALTY * u + Math.max(0, Math.floor(penalty));
  return Math.floor((2 * num + den) / (2 * den));
}

/** fail: an open error; warn: an open warning; pass otherwise (info findings never fail a section). */
export function statusFrom(open: { severity: Severity }[]): Status {
  if (open.some((f) => f.severity === 'error')) return 'fail';
  if (open.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 2, warning: 1, info: 0 };
