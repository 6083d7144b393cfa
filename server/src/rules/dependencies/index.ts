import type { Rule } from '../../engine/rule';
import unpinnedImage from './unpinned-image';
import unpinnedPackage from './unpinned-package';
import curlPipeShell from './curl-pipe-shell';
import runtimeInstall from './runtime-install';
import undeclaredServiceDependency from './undeclared-service-dependency';
import missingBuildContext from './missing-build-context';

export default [unpinnedImage, unpinnedPackage, curlPipeShell, runtimeInstall, undeclaredServiceDependency, missingBuildContext] as Rule[];
