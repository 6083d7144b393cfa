import type { Rule } from '../../engine/rule';
import unpinnedImage from './unpinned-image';
import unpinnedPackage from './unpinned-package';
import curlPipeShell from './curl-pipe-shell';
import runtimeInstall from './runtime-install';
import undeclaredServiceDependency from './undeclared-service-dependency';
import missingBuildContext from './missing-build-context';
import installIgnoresLockfile from './install-ignores-lockfile';
import insecureDownload from './insecure-download';

export default [unpinnedImage, unpinnedPackage, curlPipeShell, runtimeInstall, undeclaredServiceDependency, missingBuildContext, installIgnoresLockfile, insecureDownload] as Rule[];
