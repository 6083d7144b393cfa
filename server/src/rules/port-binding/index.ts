import type { Rule } from '../../engine/rule';
import exposeMismatch from './expose-mismatch';
import databasePortPublished from './database-port-published';
import proxyInAppContainer from './proxy-in-app-container';
import invalidPort from './invalid-port';

export default [exposeMismatch, databasePortPublished, proxyInAppContainer, invalidPort] as Rule[];
