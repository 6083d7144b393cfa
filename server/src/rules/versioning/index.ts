import deprecatedMaintainer from './deprecated-maintainer';
import missingDisruptionBudget from './missing-disruption-budget';
import missingImageLabels from './missing-image-labels';
import mutableImageTag from './mutable-image-tag';
import obsoleteComposeVersion from './obsolete-compose-version';
import pullPolicyMismatch from './pull-policy-mismatch';
import unsafeRolloutStrategy from './unsafe-rollout-strategy';
import rollbackHistoryDisabled from './rollback-history-disabled';
import updateContinuesOnFailure from './update-continues-on-failure';

export default [deprecatedMaintainer, obsoleteComposeVersion, pullPolicyMismatch, unsafeRolloutStrategy, missingDisruptionBudget, missingImageLabels, mutableImageTag, rollbackHistoryDisabled, updateContinuesOnFailure];
