import type { Rule } from '../../engine/rule';
import packageCacheInLayer from './package-cache-in-layer';
import addInsteadOfCopy from './add-instead-of-copy';
import remoteAdd from './remote-add';
import compilersInFinalImage from './compilers-in-final-image';
import buildAtStart from './build-at-start';
import sourceMountedInProduction from './source-mounted-in-production';

export default [packageCacheInLayer, addInsteadOfCopy, remoteAdd, compilersInFinalImage, buildAtStart, sourceMountedInProduction] as Rule[];
