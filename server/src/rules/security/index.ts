import addedCapabilities from './added-capabilities';
import privilegeEscalation from './privilege-escalation';
import runsAsRoot from './runs-as-root';
import sudoInImage from './sudo-in-image';
import writableRootFilesystem from './writable-root-filesystem';

export default [runsAsRoot, privilegeEscalation, writableRootFilesystem, addedCapabilities, sudoInImage];
