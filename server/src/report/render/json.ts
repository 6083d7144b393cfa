import type { Report } from '../types';

/** The report object itself: `score`, `sections[{id,title,score,status,findings}]`, `fixFirst`, `files`. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
