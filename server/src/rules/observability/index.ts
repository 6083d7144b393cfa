import type { Rule } from '../../engine/rule';
import logToFile from './log-to-file';
import noLogRotation from './no-log-rotation';
import shellFormCommand from './shell-form-command';
import slowShutdownWithoutGrace from './slow-shutdown-without-grace';
import loggingDisabled from './logging-disabled';

const rules: Rule[] = [logToFile, noLogRotation, shellFormCommand, slowShutdownWithoutGrace, loggingDisabled];
export default rules;
