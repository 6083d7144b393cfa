import type { RuleSettings, Severity } from './rule';

export type RuleLevel = Severity | 'off';

/** Effective configuration for one analysis: defaults < .seaworthy.yaml < editor settings / CLI flags. */
export interface EngineConfig {
  rules: Record<string, RuleLevel>;
  settings: RuleSettings;
  /** Files larger than this are not analysed (a clear message is reported instead). */
  maxFileBytes: number;
  /** Time one file's rules may take (after parsing); the rules left are skipped and a problem says so. */
  maxAnalysisMs: number;
}

export function defaultConfig(): EngineConfig {
  return {
    rules: {},
    settings: { dataDirectories: {}, oneShot: [], allowedRegistries: [], requireDigests: false },
    maxFileBytes: 2 * 1024 * 1024,
    maxAnalysisMs: 5000,
  };
}
