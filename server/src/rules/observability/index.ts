import type { Rule } from '../../engine/rule';
import logToFile from './log-to-file';
import noLogRotation from './no-log-rotation';
import shellFormCommand from './shell-form-command';
import slowShutdownWithoutGrace from './slow-shutdown-without-grace';

const rules: Rule[] = [logToFile, noLogRotation, shellFormCommand, slowShutdownWithoutGrace];
export default rules;
