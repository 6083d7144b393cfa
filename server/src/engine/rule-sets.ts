/**
 * Rule sets: `recommended` (the default everywhere) holds the rules that are right on real projects
 * almost every time; `strict` adds policy and taste. A rule given a severity in configuration runs
 * whatever the set; `off` silences it whatever the set.
 */
import type { EngineConfig } from './config';
import type { Rule, RuleSet } from './rule';

export const RULE_SETS: readonly RuleSet[] = ['recommended', 'strict'];
export const DEFAULT_RULE_SET: RuleSet = 'recommended';

export function isRuleSet(value: unknown): value is RuleSet {
  return typeof value === 'string' && (RULE_SETS as string[]).includes(value);
}

export function setOf(rule: Pick<Rule, 'set'>): RuleSet {
  return rule.set ?? DEFAULT_RULE_SET;
}

/** The set a configuration runs: a flag or editor setting wins over the project's `extends`. */
export function activeSet(config: Pick<EngineConfig, 'ruleSet' | 'ruleSetOverride'>): RuleSet {
  return config.ruleSetOverride ?? config.ruleSet ?? DEFAULT_RULE_SET;
}

/** `strict` includes `recommended`. */
export function setIncludes(active: RuleSet, ruleSet: RuleSet): boolean {
  return active === 'strict' || ruleSet === 'recommended';
}

export function isRuleActive(rule: Pick<Rule, 'id' | 'set'>, config: Pick<EngineConfig, 'rules' | 'ruleSet' | 'ruleSetOverride'>): boolean {
  const level = config.rules[rule.id];
  if (level === 'off') return false;
  if (level) return true;
  return setIncludes(activeSet(config), setOf(rule));
}

const STRICT_ONLY = 'It runs only with `extends: strict` (or `--rules strict`, or the editor setting `seaworthy.ruleSet`), or when `.seaworthy.yaml` gives it a severity.';

/** Why a rule sits in its set, for its documentation (a rule may say more with `setReason`). */
export function setReasonOf(rule: Pick<Rule, 'set' | 'setReason'>): string {
  if (rule.setReason) return rule.setReason;
  return setOf(rule) === 'strict'
    ? `Policy or taste rather than a hazard on every project, or not yet right often enough on real projects. ${STRICT_ONLY}`
    : 'Right on real projects almost every time, so it runs by default (`recommended`, included in `strict`). Turn it off with `rules: { <id>: off }`.';
}

/** A rule page's "Rule set" paragraph: why, and for strict rules how to turn them on. */
export function setExplanationOf(rule: Pick<Rule, 'set' | 'setReason'>): string {
  const reason = setReasonOf(rule);
  return rule.setReason && setOf(rule) === 'strict' ? `${reason} ${STRICT_ONLY}` : reason;
}
