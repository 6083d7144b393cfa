import type { Rule } from '../../engine/rule';
import missingResourceLimits from './missing-resource-limits';
import missingResourceRequests from './missing-resource-requests';
import missingPidsLimit from './missing-pids-limit';
import unboundedEphemeralStorage from './unbounded-ephemeral-storage';
import heapNotTiedToLimit from './heap-not-tied-to-limit';

export default [missingResourceLimits, missingResourceRequests, missingPidsLimit, unboundedEphemeralStorage, heapNotTiedToLimit] as Rule[];
