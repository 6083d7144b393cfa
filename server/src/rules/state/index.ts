import type { Rule } from '../../engine/rule';
import databaseWithoutVolume from './database-without-volume';
import volumeInImage from './volume-in-image';
import fileBasedState from './file-based-state';
import noBackup from './no-backup';
import createdOutsideProject from './created-outside-project';
import reclaimPolicyDelete from './reclaim-policy-delete';
import datastoreOnHostPath from './datastore-on-host-path';

export default [databaseWithoutVolume, volumeInImage, fileBasedState, noBackup, createdOutsideProject, reclaimPolicyDelete, datastoreOnHostPath] as Rule[];
