import hardcodedSecret from './hardcoded-secret';

export default [hardcodedSecret];
