import hardcodedSecret from './hardcoded-secret';
import secretInCommand from './secret-in-command';
import secretFileInImage from './secret-file-in-image';

export default [hardcodedSecret, secretInCommand, secretFileInImage];
