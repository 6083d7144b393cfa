import { defaultConfig, EngineConfig, RuleLevel } from '../engine/config';
import { applyProjectConfig, ProjectConfig } from '../engine/project-config';
import type { RuleSet } from '../engine/rule';
import { isRuleSet } from '../engine/rule-sets';

/** The `seaworthy.*` settings the client contributes (package.json `contributes.configuration`). */
export interface ClientSettings {
  enable?: boolean;
  rules?: Record<string, RuleLevel | 'warn'>;
  maxFileSizeMB?: number;
  maxAnalysisSeconds?: number;
  debounceMs?: number;
  oneShotServices?: string[];
  allowedRegistries?: string[];
  /** `project` (the default): the project's `.seaworthy.yaml` `extends` decides, else recommended. */
  ruleSet?: RuleSet | 'project';
  /** `auto` (the default): off when the client reports a Docker extension that shows them already. */
  dockerfileSyntax?: 'auto' | 'on' | 'off';
  /** Not a setting: the client reports (initializationOptions) whether a Docker extension is installed. */
  dockerExtension?: boolean;
  /** A baseline file (absolute, or relative to the first workspace folder); overrides `.seaworthy.yaml`'s `baseline`. */
  baseline?: string;
  baselineFindings?: 'auto' | 'hint' | 'hide';
}

/**
 * Defaults < the project's `.seaworthy.yaml` < VS Code settings. A list setting left empty (its
 * default) does not erase the project's list: VS Code cannot tell "unset" from "empty".
 */
export function toEngineConfig(s: ClientSettings | undefined, project?: ProjectConfig): EngineConfig {
  const config = applyProjectConfig(defaultConfig(), project);
  if (!s) return config;
  for (const [id, level] of Object.entries(s.rules ?? {})) config.rules[id] = level === 'warn' ? 'warning' : level;
  if (typeof s.maxFileSizeMB === 'number' && s.maxFileSizeMB > 0) config.maxFileBytes = s.maxFileSizeMB * 1048576;
  if (typeof s.maxAnalysisSeconds === 'number' && s.maxAnalysisSeconds > 0) config.maxAnalysisMs = s.maxAnalysisSeconds * 1000;
  if (Array.isArray(s.oneShotServices) && s.oneShotServices.length) config.settings.oneShot = s.oneShotServices;
  if (Array.isArray(s.allowedRegistries) && s.allowedRegistries.length) config.settings.allowedRegistries = s.allowedRegistries;
  if (isRuleSet(s.ruleSet)) config.ruleSetOverride = s.ruleSet;
  // `auto`: the Docker extensions show Dockerfile syntax problems themselves (the same validator); not twice.
  config.dockerfileSyntax = s.dockerfileSyntax === 'on' || (s.dockerfileSyntax !== 'off' && !s.dockerExtension);
  return config;
}
