import type { Rule } from '../../engine/rule';
import hostSocketMount from './host-socket-mount';
import sensitiveHostMount from './sensitive-host-mount';
import privilegedContainer from './privileged-container';
import hostNamespace from './host-namespace';
import hostPort from './host-port';
import hostDaemonAddress from './host-daemon-address';
import processSupervisor from './process-supervisor';
import sshServer from './ssh-server';

export default [
  hostSocketMount, sensitiveHostMount, privilegedContainer, hostNamespace, hostPort, hostDaemonAddress, processSupervisor, sshServer,
] as Rule[];
