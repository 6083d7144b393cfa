import type { Rule } from '../../engine/rule';

export default [] as Rule[];
