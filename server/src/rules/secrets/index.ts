import hardcodedSecret from './hardcoded-secret';
import secretInCommand from './secret-in-command';
import secretFileInImage from './secret-file-in-image';
import contextFilesInImage from './context-files-in-image';
import committedSecretManifest from './committed-secret-manifest';
import secretInConfigmap from './secret-in-configmap';
import databaseAuthDisabled from './database-auth-disabled';
import secretBuildArg from './secret-build-arg';

export default [hardcodedSecret, secretInCommand, secretFileInImage, contextFilesInImage, committedSecretManifest, secretInConfigmap, databaseAuthDisabled, secretBuildArg];
