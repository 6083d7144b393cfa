/**
 * Helm charts judged as their default values render them. A template is rendered (parse/helm), its
 * rendering parsed and analysed by the usual rules, and every finding is mapped back: onto the
 * template text, or — when a values.yaml default decides it (`hostNetwork: true`, a `latest` tag, a
 * literal password) — onto the values.yaml line, with the template line as related information. The
 * template's own analysis leaves those to values.yaml, whose analysis renders every template of the chart.
 */
import * as nodePath from 'path';
import type { HelmChart } from '../parse/helm/chart';
import { renderTemplate, Rendered, Segment } from '../parse/helm/render';
import { readValues } from '../parse/helm/values';
import { parseKubernetes } from '../parse/kubernetes';
import type { KubernetesModel } from '../model/kubernetes';
import { Range, SourceText } from '../model/range';
import type { Fix, TokenMatch } from './rule';
import { scanTokens } from './secrets-scan';
import { TEMPLATE_MARK } from '../knowledge/interpolation';
import type { AnalysisResult, Finding } from './analyze';

export interface RenderedTemplate { model: KubernetesModel; rendered: Rendered; source: SourceText }

/** The template rendered with the chart's defaults and parsed; undefined when it cannot be rendered. */
export function renderChartTemplate(chart: HelmChart, path: string, text: string): RenderedTemplate | undefined {
  const rendered = renderTemplate(text, { values: chart.values, chart: chart.info, defines: chart.defines, templatePath: `${chart.info.name}/${nodePath.relative(chart.root, path).split(nodePath.sep).join('/')}` });
  if (!rendered) return undefined;
  let model: KubernetesModel;
  try { model = parseKubernetes(path, rendered.text, true); } catch { return undefined; }
  for (const o of model.objects) {
    // Still a template: other values can add what the defaults leave out, so rules that judge an absence stay quiet.
    o.templated = true;
    // A name the defaults do not decide is shown as the template writes it (as the masked reading does).
    if (o.name?.includes(TEMPLATE_MARK) && o.nameRange) {
      const from = toTemplate(rendered.segments, model.source.offsetAt(o.nameRange.start), false, text.length);
      const to = toTemplate(rendered.segments, model.source.offsetAt(o.nameRange.end), true, text.length);
      let written = text.slice(from, Math.max(from, to)).trim();
      if (written.length > 1 && (written[0] === '"' || written[0] === "'") && written.endsWith(written[0])) written = written.slice(1, -1);
      if (written.includes('{{')) o.name = written;
    }
  }
  return { model, rendered, source: model.source };
}

export async function renderedTokens(r: RenderedTemplate, result: AnalysisResult): Promise<TokenMatch[]> {
  try { return await scanTokens(r.rendered.text, r.source); } catch (e) { result.ruleErrors.push({ ruleId: 'secretlint', message: (e as Error).message }); return []; }
}

interface ValuesMemo { text: string; valuesText: string; config: object; values: Finding[] }

/** Keeps a template's values findings for values.yaml's analysis of the same texts and settings. */
export function rememberValuesFindings(chart: HelmChart, template: string, text: string, config: object, values: Finding[]): void {
  const memo: ValuesMemo = { text, valuesText: chart.valuesText, config, values };
  chart.memo.set(template, memo);
}

export function rememberedValuesFindings(chart: HelmChart, template: string, text: string, config: object): Finding[] | undefined {
  const m = chart.memo.get(template) as ValuesMemo | undefined;
  return m && m.text === text && m.valuesText === chart.valuesText && m.config === config ? m.values : undefined;
}

/** The chart with values.yaml read from `text` (an unsaved editor document may differ from the chart's copy). */
export function withValuesText(chart: HelmChart, text: string): HelmChart {
  return text === chart.valuesText ? chart : { ...chart, valuesText: text, values: readValues(text), memo: new Map() };
}

function segmentAt(segs: Segment[], offset: number, atEnd: boolean): Segment | undefined {
  let lo = 0, hi = segs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segs[mid];
    if (atEnd ? s.end < offset : s.end <= offset) lo = mid + 1;
    else if (atEnd ? s.start >= offset : s.start > offset) hi = mid - 1;
    else return s;
  }
  return undefined;
}

/** A rendered offset in the template: template text maps one to one; an action's output to the action. */
function toTemplate(segs: Segment[], offset: number, atEnd: boolean, templateLength: number): number {
  const s = segmentAt(segs, offset, atEnd) ?? segmentAt(segs, offset, !atEnd);
  if (!s) return atEnd ? templateLength : 0;
  if (s.kind === 't') return s.at + (offset - s.start);
  return atEnd ? s.atEnd : s.at;
}

export interface MappedFindings {
  /** Findings on the template's own text. */
  local: Finding[];
  /** Findings that a values.yaml default decides: range in values.yaml, the template line as related information. */
  values: Finding[];
}

/**
 * Maps findings on a rendering back to the chart. A finding on one line that covers a values.yaml value
 * (the value itself, or a key `toYaml` wrote) belongs to values.yaml: to the value under its start, else
 * to the last one it covers (`image: "{{ .repository }}:{{ .tag }}"` — the tag decides a floating tag).
 */
export function mapToTemplate(findings: Finding[], r: RenderedTemplate, template: SourceText, path: string, chart: HelmChart): MappedFindings {
  const segs = r.rendered.segments;
  const values = new SourceText(chart.valuesText);
  const out: MappedFindings = { local: [], values: [] };
  const mapRange = (range: Range): Range => {
    const s = toTemplate(segs, r.source.offsetAt(range.start), false, template.text.length);
    const e = toTemplate(segs, r.source.offsetAt(range.end), true, template.text.length);
    return template.range(s, Math.max(s, e));
  };
  for (const f of findings) {
    const s = r.source.offsetAt(f.range.start), e = r.source.offsetAt(f.range.end);
    const first = segmentAt(segs, s, false);
    const inRange = segs.filter((g) => g.start < Math.max(e, s + 1) && g.end > s);
    if (f.category === 'secrets' && !secretFromDefaults(inRange, chart.valuesText, r.rendered.text)) continue;
    const covered = inRange.filter((g) => g.kind === 'v');
    const fromValues = first?.kind === 'v' ? first : f.range.start.line === f.range.end.line ? covered[covered.length - 1] : undefined;
    if (fromValues?.src) {
      out.values.push({
        ...f, range: values.range(fromValues.src.start, fromValues.src.end), fix: undefined, fixAvailability: f.fixAvailability,
        related: [{ message: `Rendered by ${nodePath.basename(path)} with this default`, range: template.range(fromValues.at, fromValues.atEnd), file: path }],
      });
      continue;
    }
    out.local.push({
      ...f, range: mapRange(f.range),
      related: f.related?.map((x) => (x.file === undefined || x.file === path ? { ...x, range: mapRange(x.range) } : x)),
      fix: f.fix && mappedFix(f.fix, segs, r.source, template),
    });
  }
  return out;
}

/** Defaults that name what belongs there (`token: token`, `YourPingdomApiToken`, `example_pw`, `guest`) rather than set it. */
const PLACEHOLDER_DEFAULT = /example|sample|dummy|your|change|notavalid|invalid|placeholder|default|guest|admin|test|token|secret|passw(?:or)?d|(?:^|_)pw(?:$|_)|^pass$/i;

/**
 * A secret finding stands on a rendering when the defaults alone wrote it: literal template text or
 * values.yaml scalars that are not placeholders. A composed text (a whole config `toYaml`-ed into a
 * Secret, a named template's output, a `tpl`) is a sample configuration, not a committed credential.
 */
function secretFromDefaults(segs: Segment[], valuesText: string, rendered: string): boolean {
  // (`quote` adds quotes around a value: they decide nothing.)
  return segs.every((g) => g.kind === 't' || (g.kind === 'e' && /^[\s"']*$/.test(rendered.slice(g.start, g.end))) || (g.kind === 'v' && !!g.src && !PLACEHOLDER_DEFAULT.test(valuesText.slice(g.src.start, g.src.end).replace(/^["']|["']$/g, ''))));
}

/** A fix whose edits all fall inside template text is applied to the template; any other is dropped. */
function mappedFix(fix: () => Fix[], segs: Segment[], rendered: SourceText, template: SourceText): () => Fix[] {
  return () => fix().flatMap((f) => {
    const edits = [];
    for (const ed of f.edits) {
      if (ed.file) { edits.push(ed); continue; }
      const s = rendered.offsetAt(ed.range.start), e = rendered.offsetAt(ed.range.end);
      const seg = segmentAt(segs, s, false) ?? segmentAt(segs, s, true);
      if (!seg || seg.kind !== 't' || e > seg.end) return [];
      edits.push({ ...ed, range: template.range(seg.at + (s - seg.start), seg.at + (e - seg.start)) });
    }
    return [{ ...f, edits }];
  });
}
