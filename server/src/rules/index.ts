import type { Rule } from '../engine/rule';
import secrets from './secrets';
import dependencies from './dependencies';
import state from './state';
import hostDaemon from './host-daemon';
import references from './references';
import backingServices from './backing-services';
import observability from './observability';
import security from './security';
import versioning from './versioning';
import buildRun from './build-run';
import config from './config';
import codebase from './codebase';
import resources from './resources';
import scaling from './scaling';
import portBinding from './port-binding';

/**
 * Every rule, one module each, grouped by category folder. Adding a rule touches only its folder:
 * the rule's file and the folder's index.ts.
 */
export const allRules: readonly Rule[] = [...secrets, ...dependencies, ...state, ...hostDaemon, ...references, ...backingServices, ...observability, ...security, ...versioning, ...buildRun, ...config, ...codebase, ...resources, ...scaling, ...portBinding];
