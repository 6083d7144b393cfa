import { defaultConfig, EngineConfig, RuleLevel } from '../engine/config';
import { applyProjectConfig, ProjectConfig } from '../engine/project-config';

/** The `seaworthy.*` settings the client contributes (package.json `contributes.configuration`). */
export interface ClientSettings {
  enable?: boolean;
  rules?: Record<string, RuleLevel | 'warn'>;
  maxFileSizeMB?: number;
  maxAnalysisSeconds?: number;
  debounceMs?: number;
  oneShotServices?: string[];
  allowedRegistries?: string[];
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
  return config;
}
