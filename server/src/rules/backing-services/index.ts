import type { Rule } from '../../engine/rule';
import dependsOnWithoutHealth from './depends-on-without-health';
import identicalProbes from './identical-probes';
import missingHealthcheck from './missing-healthcheck';
import missingProbes from './missing-probes';
import missingRestartPolicy from './missing-restart-policy';
import missingStartupProbe from './missing-startup-probe';

const rules: Rule[] = [missingHealthcheck, dependsOnWithoutHealth, missingRestartPolicy, missingProbes, identicalProbes, missingStartupProbe];
export default rules;
