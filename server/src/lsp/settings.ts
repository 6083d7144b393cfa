import { defaultConfig, EngineConfig, RuleLevel } from '../engine/config';

/** The `seaworthy.*` settings the client contributes (package.json `contributes.configuration`). */
export interface ClientSettings {
  enable?: boolean;
  rules?: Record<string, RuleLevel | 'warn'>;
  maxFileSizeMB?: number;
  debounceMs?: number;
  oneShotServices?: string[];
  allowedRegistries?: string[];
}

export function toEngineConfig(s: ClientSettings | undefined): EngineConfig {
  const config = defaultConfig();
  if (!s) return config;
  for (const [id, level] of Object.entries(s.rules ?? {})) config.rules[id] = level === 'warn' ? 'warning' : level;
  if (typeof s.maxFileSizeMB === 'number' && s.maxFileSizeMB > 0) config.maxFileBytes = s.maxFileSizeMB * 1048576;
  if (Array.isArray(s.oneShotServices)) config.settings.oneShot = s.oneShotServices;
  if (Array.isArray(s.allowedRegistries)) config.settings.allowedRegistries = s.allowedRegistries;
  return config;
}
