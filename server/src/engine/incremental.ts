import type { FileKind } from '../model/common';
import type { KubeObject, KubernetesModel } from '../model/kubernetes';
import { Position, Range, SourceText } from '../model/range';
import { yamlParserView } from '../model/line-breaks';
import { detectKind, isHelmTemplatePath } from '../parse/detect';
import { parseKubernetes } from '../parse/kubernetes';
import { AnalysisResult, AnalyzeHost, Cancelled, FileProblem, Finding, finishResult, prepareText, runRulesOn } from './analyze';
import type { EngineConfig } from './config';
import type { Rule, TokenMatch } from './rule';
import { allRules } from '../rules';
import { scanTokens } from './secrets-scan';

/**
 * Incremental analysis of a multi-document manifest (issue #18): the documents of a YAML stream are
 * independent, so after an edit only the documents whose text changed are parsed and checked again;
 * the others' objects, secret tokens and findings are kept. Rules marked `crossDocument` (they compare
 * objects of different documents) run on the whole file every time, on the kept objects; suppressions
 * and masking are applied to the whole file. The result is the one a full analysis gives (a property
 * test compares them on random edits of the fixtures).
 *
 * A document's findings also depend on other files (a folder's manifests, a Dockerfile...): the host
 * calls its analysis made are replayed before its findings are reused, and it is analysed again
 * when one answers differently.
 */

/** Below this many documents a full analysis is as fast. */
export const MIN_DOCUMENTS = 8;

/**
 * A SourceText for one document's text that reports positions in the whole file (the document starts
 * at column 0 of `firstLine`). Offsets stay the document's. Every method goes to a plain SourceText of
 * the document (SourceText's own methods call each other, so shifting in overrides would shift twice).
 */
class DocumentSource extends SourceText {
  private readonly own: SourceText;
  private readonly lastLine: number;
  /** `file` holds the whole file's current text: lines outside the document read from it (a fix copying the file's indentation step). */
  constructor(text: string, private readonly firstLine: number, private readonly file: { source: SourceText }) {
    super('');
    this.own = new SourceText(text);
    this.lastLine = firstLine + this.own.lineCount - 1;
    Object.defineProperty(this, 'text', { value: text });
  }
  get ownLineCount(): number { return this.own.lineCount; }
  private outside(line: number): boolean { return line < this.firstLine || line > this.lastLine; }
  override get lineCount(): number { return this.file.source.lineCount; }
  override positionAt(offset: number): Position { const p = this.own.positionAt(offset); return { line: p.line + this.firstLine, character: p.character }; }
  override offsetAt(pos: Position): number { return pos.line < this.firstLine ? 0 : this.own.offsetAt({ line: pos.line - this.firstLine, character: pos.character }); }
  override range(start: number, end: number): Range { return { start: this.positionAt(start), end: this.positionAt(end) }; }
  override lineStart(line: number): number { return line < this.firstLine ? 0 : this.own.lineStart(line - this.firstLine); }
  override lineEnd(line: number): number { return line < this.firstLine ? 0 : this.own.lineEnd(line - this.firstLine); }
  override lineText(line: number): string { return this.outside(line) ? this.file.source.lineText(line) : this.own.lineText(line - this.firstLine); }
  override slice(r: Range): string { return this.text.slice(this.offsetAt(r.start), this.offsetAt(r.end)); }
}

interface Chunk { firstLine: number; text: string }

/**
 * The documents of a YAML stream as line ranges: a `---` line at column 0 starts one, a `...` line
 * ends one (YAML forbids both inside any scalar). Lines before the first content (comments) stay
 * with the first document, as the parser attaches them. Undefined when the text breaks lines other
 * than with LF / CRLF.
 */
export function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0, startLine = 0, line = 0, pos = 0;
  let hasContent = false;
  const close = (end: number, nextLine: number) => { chunks.push({ firstLine: startLine, text: text.slice(start, end) }); start = end; startLine = nextLine; hasContent = false; };
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const next = eol + 1;
    const isStart = text.startsWith('---', pos) && (pos + 3 >= eol || /[ \t\r]/.test(text[pos + 3]));
    const isEnd = text.startsWith('...', pos) && (pos + 3 >= eol || /[ \t\r]/.test(text[pos + 3]));
    if (isStart && hasContent) close(pos, line);
    const trimmed = text.slice(pos, eol).trim();
    if (trimmed && !trimmed.startsWith('#')) hasContent = true;
    line++;
    if (isEnd) close(Math.min(next, text.length), line);
    pos = next;
  }
  if (start < text.length || !chunks.length) chunks.push({ firstLine: startLine, text: text.slice(start) });
  return chunks;
}

interface Call { method: string; args: unknown[]; value: unknown }
/** What running rules on a document gave: findings, errors, the host calls made (replayed before reuse). */
interface RuleRun { findings: Finding[]; ruleErrors: AnalysisResult['ruleErrors']; stopped?: FileProblem; calls: Call[] }
interface DocumentState extends RuleRun {
  /** Changes whenever the document's text or place changes (a new state): signatures of fact documents use it. */
  id: number;
  model: KubernetesModel;
  tokens: TokenMatch[];
  kinds: Set<string>;
  lastLine: number;
  /** Rules that read some kinds of other documents: their run on this document, and the fact documents it saw. */
  byRule: Map<string, RuleRun & { facts: string }>;
  /** YAML documents the text holds (at least 1), and its objects numbered in the whole stream. */
  docCount: number;
  placed?: { docBase: number; objects: KubeObject[] };
}
let nextStateId = 1;

/**
 * Rules by how they read a manifest: `local` ones look at one document; `facts` ones also at objects
 * of the kinds they name in other documents (run per document with those objects added); `whole`
 * ones at the whole file (run on it after every edit).
 */
function kubernetesRules(): { local: Rule[]; facts: { rule: Rule; kinds: Set<string> }[]; whole: Rule[] } {
  const kube = allRules.filter((r) => r.kinds.includes('kubernetes'));
  return {
    local: kube.filter((r) => !r.crossDocument),
    facts: kube.filter((r) => Array.isArray(r.crossDocument)).map((rule) => ({ rule, kinds: new Set(rule.crossDocument as readonly string[]) })),
    whole: kube.filter((r) => r.crossDocument === true),
  };
}

/** A host that writes down every question asked and its answer, to replay them later. */
function recordingCalls(base: AnalyzeHost, calls: Call[]): AnalyzeHost {
  return new Proxy(base, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || prop === 'parse' || prop === 'isCancelled') return v;
      return (...args: unknown[]) => {
        const value = (v as (...a: unknown[]) => unknown).apply(target, args);
        calls.push({ method: String(prop), args, value });
        return value;
      };
    },
  });
}

function inDocument(f: Finding, d: DocumentState): boolean {
  const line = f.range.start.line;
  return line >= d.model.source.positionAt(0).line && line <= d.lastLine;
}

function answersAlike(host: AnalyzeHost, calls: Call[]): boolean {
  for (const c of calls) {
    const fn = (host as unknown as Record<string, unknown>)[c.method];
    if (typeof fn !== 'function' || !Object.is((fn as (...a: unknown[]) => unknown).apply(host, c.args), c.value)) return false;
  }
  return true;
}

/** One open manifest's kept documents; one instance per editor document. */
export class IncrementalManifest {
  private documents = new Map<string, DocumentState>();
  private readonly rules = kubernetesRules();
  /** The whole file as last analysed (documents' sources read lines outside themselves from it). */
  private readonly file = { source: new SourceText('') };
  private configKey?: string;
  /** Documents analysed by the last call (the rest were reused): tests and the bench read it. */
  lastAnalysed = 0;

  constructor(private readonly minDocuments = MIN_DOCUMENTS) {}

  /** The analysis of `rawText`, or undefined when this file is not a multi-document manifest this handles (then analyse it in full). */
  async analyse(path: string, rawText: string, config: EngineConfig, host: AnalyzeHost, kindHint?: FileKind): Promise<AnalysisResult | undefined> {
    const prepared = prepareText(rawText, config);
    const text = prepared.text;
    if (text === undefined || (kindHint ?? detectKind(path, text)) !== 'kubernetes') return undefined;
    // Helm templates, directives and go-yaml's extra line breaks take the full path (parseKubernetes' own handling).
    if (isHelmTemplatePath(path) || text.includes('{{') || /^%/m.test(text) || yamlParserView(text) !== text || /\r(?!\n)/.test(text)) return undefined;
    // Fixes write the file's dominant line break, a fact of the whole text: mixed files take the full path.
    if (text.includes('\r\n') && /(?:^|[^\r])\n/.test(text)) return undefined;
    const chunks = splitDocuments(text);
    if (chunks.length < this.minDocuments) { this.documents.clear(); return undefined; }
    const configKey = JSON.stringify(config);
    if (configKey !== this.configKey) { this.documents.clear(); this.configKey = configKey; }
    this.file.source = new SourceText(text);
    const kept = new Map<string, DocumentState>();
    const states: DocumentState[] = [];
    this.lastAnalysed = 0;
    for (const c of chunks) {
      const key = `${c.firstLine}\u0000${c.text}`;
      let state = this.documents.get(key);
      if (state && !answersAlike(host, state.calls)) state = undefined;
      if (!state) { state = await this.analyseDocument(path, c, config, host); this.lastAnalysed++; }
      if (host.isCancelled?.()) throw new Cancelled();
      kept.set(key, state);
      states.push(state);
    }
    this.documents = kept;
    await this.runFactRules(path, states, config, host);
    return this.wholeFile(path, text, states, config, host);
  }

  /** Each `facts` rule on each document, with the objects of its kinds from the other documents; kept while those documents are unchanged. */
  private async runFactRules(path: string, states: DocumentState[], config: EngineConfig, host: AnalyzeHost): Promise<void> {
    for (const { rule, kinds } of this.rules.facts) {
      const factDocs = states.filter((s) => { for (const k of s.kinds) if (kinds.has(k)) return true; return false; });
      const facts = factDocs.map((s) => s.id).join(',');
      const isFact = new Set(factDocs);
      for (const d of states) {
        const kept = d.byRule.get(rule.id);
        if (kept && kept.facts === facts && answersAlike(host, kept.calls)) continue;
        const objects = states.filter((s) => s === d || isFact.has(s)).flatMap((s) => s.model.objects);
        const calls: Call[] = [];
        const run = await runRulesOn(path, 'kubernetes', { ...d.model, objects }, d.tokens, config, recordingCalls(host, calls), (r) => r === rule);
        const mine = run.findings.filter((f) => inDocument(f, d));
        d.byRule.set(rule.id, { findings: mine, ruleErrors: run.ruleErrors, stopped: run.stopped, calls, facts });
      }
    }
  }

  private async analyseDocument(path: string, c: Chunk, config: EngineConfig, host: AnalyzeHost): Promise<DocumentState> {
    // Positions in the whole file, from a parse of the document's own text.
    const source = new DocumentSource(c.text, c.firstLine, this.file);
    const relocated = parseKubernetes(path, c.text, false, source);
    let tokens: TokenMatch[] = [];
    const ruleErrors: AnalysisResult['ruleErrors'] = [];
    try { tokens = await scanTokens(c.text, source); } catch (e) { ruleErrors.push({ ruleId: 'secretlint', message: (e as Error).message }); }
    const calls: Call[] = [];
    const run = await runRulesOn(path, 'kubernetes', relocated, tokens, config, recordingCalls(host, calls), (r) => !r.crossDocument);
    return {
      id: nextStateId++, model: relocated, tokens, findings: run.findings, ruleErrors: [...ruleErrors, ...run.ruleErrors], stopped: run.stopped, calls,
      kinds: new Set(relocated.objects.map((o) => o.kind)), docCount: Math.max(1, ...relocated.objects.map((o) => o.docIndex + 1)), lastLine: c.firstLine + source.ownLineCount - 1, byRule: new Map(),
    };
  }

  private async wholeFile(path: string, text: string, states: DocumentState[], config: EngineConfig, host: AnalyzeHost): Promise<AnalysisResult> {
    const objects: KubeObject[] = [];
    let docBase = 0;
    for (const s of states) {
      // Objects numbered in the file's stream (kept while the documents before them keep their count).
      if (s.placed?.docBase !== docBase) s.placed = { docBase, objects: docBase ? s.model.objects.map((o) => ({ ...o, docIndex: o.docIndex + docBase })) : s.model.objects };
      objects.push(...s.placed.objects);
      docBase += s.docCount;
    }
    const model: KubernetesModel = { kind: 'kubernetes', uri: path, source: this.file.source, objects, helm: false, problems: states.flatMap((s) => s.model.problems) };
    const tokens = states.flatMap((s) => s.tokens);
    const result: AnalysisResult = { path, kind: 'kubernetes', model, findings: [], suppressed: [], unusedSuppressions: [], ruleErrors: [], problems: model.problems.map((p) => ({ ...p, severity: p.severity ?? 'error' as const })) };
    const whole = await runRulesOn(path, 'kubernetes', model, tokens, config, host, (r) => r.crossDocument === true);
    const runs: Omit<RuleRun, 'calls'>[] = [...states.flatMap((s) => [s, ...s.byRule.values()]), whole];
    result.ruleErrors.push(...runs.flatMap((r) => r.ruleErrors));
    const stopped = runs.find((r) => r.stopped)?.stopped;
    if (stopped) result.problems.push(stopped);
    return finishResult(result, model, runs.flatMap((r) => r.findings), tokens, config);
  }
}
