import type { Rule } from '../../engine/rule';
import hostSocketMount from './host-socket-mount';
import privilegedContainer from './privileged-container';
import hostNamespace from './host-namespace';
import hostPort from './host-port';

export default [hostSocketMount, privilegedContainer, hostNamespace, hostPort] as Rule[];
