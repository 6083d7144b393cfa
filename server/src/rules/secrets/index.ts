import hardcodedSecret from './hardcoded-secret';
import secretInCommand from './secret-in-command';
import secretFileInImage from './secret-file-in-image';
import committedSecretManifest from './committed-secret-manifest';

export default [hardcodedSecret, secretInCommand, secretFileInImage, committedSecretManifest];
