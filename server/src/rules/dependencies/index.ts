import type { Rule } from '../../engine/rule';
import unpinnedImage from './unpinned-image';
import unpinnedPackage from './unpinned-package';
import curlPipeShell from './curl-pipe-shell';
import runtimeInstall from './runtime-install';

export default [unpinnedImage, unpinnedPackage, curlPipeShell, runtimeInstall] as Rule[];
