import type { RuleSet, RuleSettings, Severity } from './rule';

export type RuleLevel = Severity | 'off';

/** Effective configuration for one analysis: defaults < .seaworthy.yaml < editor settings / CLI flags. */
export interface EngineConfig {
  rules: Record<string, RuleLevel>;
  /** The rule set the project asks for (`.seaworthy.yaml` `extends`); `recommended` when unset. */
  ruleSet?: RuleSet;
  /** A rule set chosen by a CLI flag or an editor setting: wins over the project's `extends`. */
  ruleSetOverride?: RuleSet;
  settings: RuleSettings;
  /** Files larger than this are not analysed (a clear message is reported instead). */
  maxFileBytes: number;
  /**
   * Report Dockerfile syntax problems (dockerfile-utils) among a file's problems; default true. The editor
   * turns it off where a Docker extension already shows them.
   */
  dockerfileSyntax?: boolean;
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
