import type { Rule } from '../../engine/rule';
import fixedContainerName from './fixed-container-name';
import fixedHostPort from './fixed-host-port';
import singleReplica from './single-replica';
import rwoVolumeShared from './rwo-volume-shared';
import inMemorySessions from './in-memory-sessions';

export default [fixedContainerName, fixedHostPort, singleReplica, rwoVolumeShared, inMemorySessions] as Rule[];
