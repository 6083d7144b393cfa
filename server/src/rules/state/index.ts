import type { Rule } from '../../engine/rule';
import databaseWithoutVolume from './database-without-volume';

export default [databaseWithoutVolume] as Rule[];
