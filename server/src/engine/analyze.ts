import * as nodePath from 'path';
import type { FileKind } from '../model/common';
import { Range, SourceText } from '../model/range';
import { detectKind, isHelmTemplatePath } from '../parse/detect';
import { parseDockerfile } from '../parse/dockerfile';
import { parseCompose } from '../parse/compose';
import { parseKubernetes } from '../parse/kubernetes';
import { parseEnvFile } from '../parse/env';
import { composeProject, ComposeProject } from '../workspace/compose-project';
import { describeEnvFile } from '../workspace/env-usage';
import { readFromDisk } from '../workspace/env-files';
import { BuildContext, buildContextsOf } from '../workspace/build-context';
import { reportInheritedOnce } from '../workspace/inherited-findings';
import { maskTemplates } from '../parse/yaml';
import { parserFailure } from '../parse/parser-errors';
import { dockerfileSyntaxProblems } from '../parse/dockerfile-syntax';
import { onlyEditable } from './edit-guard';
import { looksLikeUtf16ReadAsUtf8 } from '../parse/decode';
import { allRules } from '../rules';
import type { EngineConfig } from './config';
import type { Category, Fix, FixAvailability, Model, RelatedInfo, Rule, RuleContext, Severity, TokenMatch } from './rule';
import { scanTokens } from './secrets-scan';
import { applySuppressions, Suppression } from './suppress';
import { BudgetExceeded, Cancelled, checkpoint, runWithBudget } from './budget';
import { maskResult } from './mask';
import type { HelmChart } from '../parse/helm/chart';
import { markKustomizePatches } from './kustomize-patches';
import { isValuesFileName } from '../parse/helm/chart';
import type { KubernetesModel } from '../model/kubernetes';
import { mapToTemplate, rememberedValuesFindings, rememberValuesFindings, renderChartTemplate, renderedTokens, withValuesText } from './helm';
import { isRuleActive } from './rule-sets';

export interface Finding {
  ruleId: string;
  category: Category;
  severity: Severity;
  message: string;
  range: Range;
  fixAvailability: FixAvailability;
  fix?: () => Fix[];
  related?: RelatedInfo[];
  /** See Report.namesSecretHolder: the range is a path or name, not a value to mask. */
  namesSecretHolder?: boolean;
  /** Set when an inline comment or annotation accepted this finding (kept for the report's accepted risk). */
  suppressed?: { reason?: string; by: string };
}

export interface FileProblem { message: string; range: Range; severity: Severity }

export interface AnalysisResult {
  path: string;
  kind?: FileKind;
  model?: Model;
  findings: Finding[];
  /** Findings accepted by suppression comments, with their reasons. */
  suppressed: Finding[];
  /** Suppression comments that matched nothing. */
  unusedSuppressions: Suppression[];
  /** The file could not be (fully) read: syntax errors, binary or oversized content. */
  problems: FileProblem[];
  /** Rules that threw: reported, never fatal to the other rules. */
  ruleErrors: { ruleId: string; message: string }[];
  /** Where detected secret values sit in the text: every output masks these ranges (see engine/mask.ts). */
  secrets?: Range[];
}

export interface AnalyzeHost {
  fileExists(absPath: string): boolean;
  modelOf?(absPath: string, kind: FileKind): Model | undefined;
  /**
   * Another file's current text (an editor's unsaved text first), or undefined: env files and the other
   * files of a Compose project. The disk when absent.
   */
  textOf?(absPath: string): string | undefined;
  /**
   * Parses the analysed file itself (throws like parseModel). A batch host can hand back the model it
   * already parsed when another file's rule asked for this one (a Compose file's Dockerfile).
   */
  parse?(absPath: string, text: string, kind: FileKind): Model;
  /** Cancellation: checked between rules and at the checkpoints inside them (engine/budget.ts). */
  isCancelled?(): boolean;
  /** The Helm chart of a chart template or values.yaml (workspace/helm-chart.ts); without it templates are masked, not rendered. */
  chartOf?(absPath: string): HelmChart | undefined;
}

export { Cancelled };

export function parseModel(path: string, text: string, kind: FileKind): Model {
  switch (kind) {
    case 'dockerfile': return parseDockerfile(path, text);
    case 'compose': return parseCompose(path, text);
    case 'kubernetes': return parseKubernetes(path, text, isHelmTemplatePath(path));
    case 'env': return parseEnvFile(path, text);
  }
}

/** Prepares raw file content: refuses binary and oversized input, neutralises a BOM without shifting offsets. */
export function prepareText(text: string, config: EngineConfig): { text?: string; problem?: string } {
  if (text.length > config.maxFileBytes) {
    return { problem: `File skipped: ${(text.length / 1048576).toFixed(1)} MB is over the ${(config.maxFileBytes / 1048576).toFixed(0)} MB limit (seaworthy.maxFileSize).` };
  }
  const head = text.slice(0, 8192);
  // Readers decode UTF-16 with a BOM (parse/decode); one that read it as UTF-8 is `seaworthy fix`, which writes UTF-8 only.
  if (looksLikeUtf16ReadAsUtf8(head)) return { problem: 'File skipped: it is UTF-16 text, which fixes are not applied to. Save it as UTF-8 to fix it here (`seaworthy check` and the editor read it as it is).' };
  if (head.includes('\u0000') || (head.match(/\uFFFD/g)?.length ?? 0) > 8) return { problem: 'File skipped: it looks binary, not a Dockerfile, Compose file or manifest.' };
  return { text: text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text };
}

export async function analyzeText(path: string, rawText: string, config: EngineConfig, host: AnalyzeHost, kindHint?: FileKind): Promise<AnalysisResult> {
  const result: AnalysisResult = { path, findings: [], suppressed: [], unusedSuppressions: [], problems: [], ruleErrors: [] };
  const prepared = prepareText(rawText, config);
  if (prepared.problem) {
    result.problems.push({ message: prepared.problem, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'warning' });
    return result;
  }
  const text = prepared.text!;
  const chart = isHelmTemplatePath(path) || isValuesFileName(path) ? chartOf(host, path) : undefined;
  if (chart && chart.valuesPath === nodePath.resolve(path)) return analyzeChartValues(path, text, withValuesText(chart, text), config, host, result);
  const kind = kindHint ?? detectKind(path, text);
  if (!kind) return result;
  result.kind = kind;
  let model: Model;
  // The model rules judge: a Compose file's merged project view, else the file's own model.
  let ruleModel: Model;
  let project: ComposeProject | undefined;
  const readText = (p: string) => { try { return host.textOf ? host.textOf(p) : readFromDisk(p); } catch { return undefined; } };
  try {
    if (kind === 'compose') {
      project = composeProject(path, text, readText);
      model = project.model;
      ruleModel = project.ruleModel;
    } else {
      model = host.parse ? host.parse(path, text, kind) : parseModel(path, text, kind);
      if (model.kind === 'env') describeEnvFile(model, readText);
      ruleModel = model;
    }
  } catch (e) {
    result.problems.push({ message: `Could not read this ${kind} file: ${parserFailure(e)}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'error' });
    return result;
  }
  result.model = model;
  if (model.kind === 'kubernetes') markKustomizePatches(model, path, host);
  // A Helm template that does not parse as YAML until rendered is not the user's mistake: stay quiet.
  const quietProblems = model.kind === 'kubernetes' && model.helm;
  if (!quietProblems && 'problems' in model) result.problems.push(...model.problems.map((p) => ({ ...p, severity: p.severity ?? 'error' as const })));
  if (kind === 'dockerfile' && config.dockerfileSyntax !== false) result.problems.push(...dockerfileSyntaxProblems(text));

  let tokens: TokenMatch[] = [];
  try { tokens = await scanTokens(maskTemplates(text), model.source); } catch (e) { result.ruleErrors.push({ ruleId: 'secretlint', message: (e as Error).message }); }

  // A chart template is judged as the chart's default values render it (engine/helm.ts); its findings
  // that a values.yaml default decides belong to values.yaml, which reports them.
  const rendered = chart && model.kind === 'kubernetes' ? renderChartTemplate(chart, path, text) : undefined;
  let findings: Finding[];
  if (rendered) {
    const mapped = mapToTemplate(await runRules(rendered.model, kind, path, config, host, result, await renderedTokens(rendered, result)), rendered, model.source, path, chart!);
    rememberValuesFindings(chart!, nodePath.resolve(path), text, config, mapped.values);
    findings = mapped.local;
  } else {
    // An overlay's relative paths (build contexts, env files) are the project's: its base's folder.
    findings = await runRules(ruleModel, kind, path, config, host, result, tokens, { dir: project?.projectDir, contextModel: model });
  }
  let placed = findings;
  if (project) {
    // An overlay's service shows its base's problems too: those are reported once, in the base.
    const ofBase = project.base ? baseProblems(project.base, readText, config, host) : undefined;
    const baseHas = ofBase && ((ruleId: string, message: string) => ofBase.has(`${ruleId}\u0000${message}`));
    placed = reportInheritedOnce(project.place(findings, baseHas), project.ruleModel);
    if (baseHas && model.kind === 'compose') {
      // Only what is said of a whole service (a missing key, at its name): a value the overlay writes is its own.
      const keys = new Set(model.services.map((s) => `${s.keyRange.start.line}:${s.keyRange.start.character}`));
      placed = placed.filter((f) => !(keys.has(`${f.range.start.line}:${f.range.start.character}`) && baseHas(f.ruleId, f.message)));
    }
  }
  const { kept, suppressed, unused } = applySuppressions(model, placed, allRules);
  result.findings = kept.sort(byPosition);
  result.suppressed = suppressed;
  // A comment that names only rules the configuration does not run (off, or outside the active set) is not stale.
  result.unusedSuppressions = unused.filter((s) => !s.ruleIds.length || s.ruleIds.some((id) => !inactiveRuleIds(config).has(id)));
  maskResult(result, model.source, tokens);
  return result;
}

function chartOf(host: AnalyzeHost, path: string): HelmChart | undefined {
  try { return host.chartOf?.(nodePath.resolve(path)); } catch { return undefined; }
}

/**
 * A chart's values.yaml: every manifest template of the chart is rendered with these values and
 * analysed; the findings a value decides are this file's, each naming the template line as related information.
 */
async function analyzeChartValues(path: string, text: string, chart: HelmChart, config: EngineConfig, host: AnalyzeHost, result: AnalysisResult): Promise<AnalysisResult> {
  result.kind = 'kubernetes';
  const source = new SourceText(text);
  const model: KubernetesModel = { kind: 'kubernetes', uri: path, source, objects: [], helm: true, problems: [] };
  result.model = model;
  // One finding per problem: a default that several templates render is reported once, naming each template line.
  const seen = new Map<string, Finding>();
  const findings: Finding[] = [];
  for (const template of chart.templates) {
    const templateText = chart.read(template);
    if (templateText === undefined || !templateText.includes('.Values')) continue;
    const prepared = prepareText(templateText, config);
    if (prepared.text === undefined || detectKind(template, prepared.text) !== 'kubernetes') continue;
    let fromValues = rememberedValuesFindings(chart, template, prepared.text, config);
    if (!fromValues) {
      const rendered = renderChartTemplate(chart, template, prepared.text);
      if (!rendered) continue;
      const found = await runRules(rendered.model, 'kubernetes', template, config, host, result, await renderedTokens(rendered, result));
      fromValues = mapToTemplate(found, rendered, new SourceText(prepared.text), template, chart).values;
    }
    for (const f of fromValues) {
      const key = `${f.ruleId}\u0000${f.range.start.line}:${f.range.start.character}`;
      const first = seen.get(key);
      if (first) { first.related = [...(first.related ?? []), ...(f.related ?? [])]; continue; }
      const own = { ...f, related: f.related && [...f.related] };
      seen.set(key, own);
      findings.push(own);
    }
  }
  const { kept, suppressed, unused } = applySuppressions(model, findings, allRules);
  result.findings = kept.sort(byPosition);
  result.suppressed = suppressed;
  result.unusedSuppressions = unused.filter((s) => !s.ruleIds.length || s.ruleIds.some((id) => !inactiveRuleIds(config).has(id)));
  let tokens: TokenMatch[] = [];
  try { tokens = await scanTokens(text, source); } catch { tokens = []; }
  maskResult(result, source, tokens);
  return result;
}

/**
 * Runs every rule that applies to `kind` on `model`; rule errors and a stopped run land in `result`.
 * `dir`: the folder relative paths resolve from (an overlay's base folder); `contextModel`: the model
 * fixes and suppressions address, when the rules judge another view of it (a Compose project's merge).
 */
export async function runRules(model: Model, kind: FileKind, path: string, config: EngineConfig, host: AnalyzeHost, result: AnalysisResult, tokens: TokenMatch[], opts: { dir?: string; contextModel?: Model; only?: (rule: Rule) => boolean } = {}): Promise<Finding[]> {
  const dir = opts.dir ?? nodePath.dirname(path);
  const resolve = (p: string) => nodePath.resolve(dir, p);
  const findings: Finding[] = [];
  // The budget is the rules' (reading and parsing cannot be stopped part-way, and are linear).
  const started = performance.now();
  const budget = { deadline: started + config.maxAnalysisMs, isCancelled: host.isCancelled };
  const notRun: string[] = [];
  let stoppedIn: string | undefined;
  let lastYield = performance.now();
  // Computed at the first rule that asks, once per analysis.
  let contexts: readonly BuildContext[] | undefined;
  const buildContexts = () => contexts ??= kind !== 'dockerfile' ? [] : buildContextsOf(path, {
    fileExists: (p) => { try { return host.fileExists(p); } catch { return false; } },
    modelOf: (p, k) => host.modelOf?.(p, k),
    textOf: (p) => { try { return host.textOf ? host.textOf(p) : readFromDisk(p); } catch { return undefined; } },
  });
  for (const rule of allRules) {
    if (!rule.kinds.includes(kind)) continue;
    if (!isRuleActive(rule, config) || (opts.only && !opts.only(rule))) continue;
    const level = config.rules[rule.id] as Severity | undefined;
    if (stoppedIn || performance.now() > budget.deadline) { notRun.push(rule.id); continue; }
    // A long analysis lets the server read its messages, so an edit that makes this run stale cancels it.
    if (performance.now() - lastYield > YIELD_EVERY_MS) { await new Promise((r) => setImmediate(r)); lastYield = performance.now(); }
    if (host.isCancelled?.()) throw new Cancelled();
    const ctx = contextFor(rule, path, config, tokens, host, resolve, findings, level ?? rule.severity, opts.contextModel ?? model, buildContexts);
    try {
      runWithBudget(budget, () => (rule.check[kind] as (m: Model, c: RuleContext) => void)(model, ctx));
    } catch (e) {
      if (e instanceof Cancelled) throw e;
      // What the rule reported before the time ran out stands; the rules after it do not run.
      if (e instanceof BudgetExceeded) stoppedIn = rule.id;
      else result.ruleErrors.push({ ruleId: rule.id, message: (e as Error).stack ?? String(e) });
    }
  }
  if (stoppedIn || notRun.length) result.problems.push(stoppedProblem(performance.now() - started, stoppedIn, notRun));
  return findings;
}

/**
 * The problems a base Compose file has on its own (rule and message), found without fixes, tokens or
 * budget: an overlay drops the same findings, which its base reports. Kept per version of the base's text.
 */
const baseCache = new Map<string, { text: string; config: EngineConfig; problems: Set<string> }>();
function baseProblems(base: string, read: (p: string) => string | undefined, config: EngineConfig, host: AnalyzeHost): Set<string> {
  const text = read(base);
  if (text === undefined) return new Set();
  const hit = baseCache.get(base);
  if (hit && hit.text === text && hit.config === config) return hit.problems;
  const problems = new Set<string>();
  let model: Model;
  try { model = composeProject(base, text, read).ruleModel; } catch { return problems; }
  const ctx: RuleContext = {
    path: base, settings: config.settings,
    report: (r) => { problems.add(`${current}\u0000${r.message}`); },
    tokensIn: () => [],
    buildContexts: () => [],
    fileExists: (p) => { try { return host.fileExists(nodePath.resolve(nodePath.dirname(base), p)); } catch { return false; } },
    modelOf: (p, kind) => host.modelOf?.(nodePath.resolve(nodePath.dirname(base), p), kind),
  };
  let current = '';
  for (const rule of allRules) {
    if (!rule.check.compose || !isRuleActive(rule, config)) continue;
    current = rule.id;
    try { rule.check.compose(model as never, ctx); } catch { /* the base's own analysis reports rule errors */ }
  }
  if (baseCache.size > 100) baseCache.clear();
  baseCache.set(base, { text, config, problems });
  return problems;
}

const inactiveCache = new WeakMap<EngineConfig, Set<string>>();
function inactiveRuleIds(config: EngineConfig): Set<string> {
  let ids = inactiveCache.get(config);
  if (!ids) { ids = new Set(allRules.filter((r) => !isRuleActive(r, config)).map((r) => r.id)); inactiveCache.set(config, ids); }
  return ids;
}

/**
 * The rules of `kind` on a parsed model, findings unsuppressed and unmasked, with the rule errors and a
 * stopped run apart (engine/incremental.ts runs them per document of a manifest, `only` choosing the rules).
 */
export async function runRulesOn(path: string, kind: FileKind, model: Model, tokens: TokenMatch[], config: EngineConfig, host: AnalyzeHost, only?: (rule: Rule) => boolean): Promise<{ findings: Finding[]; ruleErrors: AnalysisResult['ruleErrors']; stopped?: FileProblem }> {
  const scratch: AnalysisResult = { path, findings: [], suppressed: [], unusedSuppressions: [], problems: [], ruleErrors: [] };
  const findings = await runRules(model, kind, path, config, host, scratch, tokens, { only });
  return { findings, ruleErrors: scratch.ruleErrors, stopped: scratch.problems[0] };
}

/** Suppressions, order and masking: the last steps of an analysis, on the whole file's model. */
export function finishResult(result: AnalysisResult, model: Model, findings: Finding[], tokens: TokenMatch[], config: EngineConfig): AnalysisResult {
  const { kept, suppressed, unused } = applySuppressions(model, findings, allRules);
  result.findings = kept.sort(byPosition);
  result.suppressed = suppressed;
  result.unusedSuppressions = unused.filter((s) => !s.ruleIds.length || s.ruleIds.some((id) => !inactiveRuleIds(config).has(id)));
  maskResult(result, model.source, tokens);
  return result;
}

/** How long the rule loop runs before it lets the event loop deliver messages (cancellation). */
const YIELD_EVERY_MS = 20;

function stoppedProblem(elapsedMs: number, stoppedIn: string | undefined, notRun: string[]): FileProblem {
  const seconds = (elapsedMs / 1000).toFixed(1);
  const skipped = notRun.length ? ` ${notRun.length} rule${notRun.length === 1 ? ' was' : 's were'} not run (${notRun.slice(0, 5).join(', ')}${notRun.length > 5 ? ', ...' : ''}).` : '';
  const partial = stoppedIn ? ` The rule ${stoppedIn} was stopped part-way, so it may have missed problems.` : '';
  return {
    message: `Analysis stopped after ${seconds} s: the rules took longer on this file than the time limit for one file (seaworthy.maxAnalysisSeconds).${partial}${skipped} Findings shown are those found before it stopped.`,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 'warning',
  };
}

function contextFor(rule: Rule, path: string, config: EngineConfig, tokens: TokenMatch[], host: AnalyzeHost, resolve: (p: string) => string, out: Finding[], severity: Severity, model: Model, buildContexts: () => readonly BuildContext[]): RuleContext {
  return {
    path,
    settings: config.settings,
    report(r) {
      const fixFn = r.fix;
      out.push({
        ruleId: rule.id, category: rule.category, severity: config.rules[rule.id] && config.rules[rule.id] !== 'off' ? severity : (r.severity ?? severity),
        message: r.message, range: r.range, related: r.related, fixAvailability: rule.fix, ...(r.namesSecretHolder ? { namesSecretHolder: true } : {}),
        fix: fixFn ? () => { const f = fixFn(); return f ? onlyEditable(inOwnText(Array.isArray(f) ? f : [f], model), model) : []; } : undefined,
      });
      // After the push: a finding made before the time ran out is kept.
      checkpoint();
    },
    tokensIn(range) { checkpoint(); return tokens.filter((t) => within(t.range, range)); },
    fileExists(p) { try { return host.fileExists(resolve(p)); } catch { return false; } },
    modelOf(p, kind) { return host.modelOf?.(resolve(p), kind); },
    buildContexts,
  };
}

/**
 * Fixes whose edits of the analysed file lie in its text: a rule judging a Compose project's merged view
 * may compute an edit next to a value of another file (placed after this file's text).
 */
function inOwnText(fixes: Fix[], model: Model): Fix[] {
  const lines = model.source.lineCount;
  return fixes.filter((f) => f.edits.every((e) => e.file !== undefined || (e.range.start.line < lines && e.range.end.line < lines)));
}

function within(inner: Range, outer: Range): boolean {
  const a = inner.start, b = outer.start, c = inner.end, d = outer.end;
  const startOk = a.line > b.line || (a.line === b.line && a.character >= b.character);
  const endOk = c.line < d.line || (c.line === d.line && c.character <= d.character);
  return startOk && endOk;
}

/** The comparison String.prototype.localeCompare makes, without building it again for every call. */
const collator = new Intl.Collator();

export function byPosition(a: { range: Range; ruleId?: string }, b: { range: Range; ruleId?: string }): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || collator.compare(a.ruleId ?? '', b.ruleId ?? '');
}

export { SourceText };
