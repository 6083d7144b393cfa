import type { Rule } from '../../engine/rule';
import danglingConfigReference from './dangling-config-reference';
import missingReferencedFile from './missing-referenced-file';

export default [danglingConfigReference, missingReferencedFile] as Rule[];
