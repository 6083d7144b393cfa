import hardcodedSecret from './hardcoded-secret';
import secretInCommand from './secret-in-command';

export default [hardcodedSecret, secretInCommand];
