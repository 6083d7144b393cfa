import type { Rule } from '../../engine/rule';
import unpinnedImage from './unpinned-image';
import unpinnedPackage from './unpinned-package';

export default [unpinnedImage, unpinnedPackage] as Rule[];
