import type { Rule } from '../../engine/rule';
import databaseWithoutVolume from './database-without-volume';
import volumeInImage from './volume-in-image';
import fileBasedState from './file-based-state';

export default [databaseWithoutVolume, volumeInImage, fileBasedState] as Rule[];
