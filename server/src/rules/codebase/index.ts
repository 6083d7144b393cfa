import type { Rule } from '../../engine/rule';
import codeFetchedAtBuild from './code-fetched-at-build';
import buildContextOutsideRepo from './build-context-outside-repo';

export default [codeFetchedAtBuild, buildContextOutsideRepo] as Rule[];
