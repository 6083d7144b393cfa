import type { Rule } from '../../engine/rule';
import databaseWithoutVolume from './database-without-volume';
import volumeInImage from './volume-in-image';

export default [databaseWithoutVolume, volumeInImage] as Rule[];
