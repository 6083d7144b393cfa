import type { Rule } from '../../engine/rule';
import envSpecificConfig from './env-specific-config';
import devModeInImage from './dev-mode-in-image';
import perEnvironmentConfigFile from './per-environment-config-file';

export default [envSpecificConfig, devModeInImage, perEnvironmentConfigFile] as Rule[];
