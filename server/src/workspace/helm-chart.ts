import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYamlText } from 'yaml';
import type { HelmChart } from '../parse/helm/chart';
import { isChartManifestTemplate, isValuesFileName } from '../parse/helm/chart';
import { definesOf, Defines } from '../parse/helm/render';
import { readValues, Val } from '../parse/helm/values';

/** How far above a template its chart's Chart.yaml may be (`templates/`, and subfolders of it). */
const MAX_TEMPLATE_DEPTH = 6;
const MAX_TEMPLATES = 500;

/** The chart folder of a template (`<root>/templates/…`) or of a chart's values.yaml; undefined otherwise. */
export function chartRootOf(abs: string, exists: (p: string) => boolean): string | undefined {
  const dir = path.dirname(abs);
  if (isValuesFileName(abs)) return exists(path.join(dir, 'Chart.yaml')) ? dir : undefined;
  let d = dir;
  for (let i = 0; i < MAX_TEMPLATE_DEPTH; i++) {
    if (path.basename(d) === 'templates') {
      const root = path.dirname(d);
      return exists(path.join(root, 'Chart.yaml')) ? root : undefined;
    }
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
  return undefined;
}

function listFiles(dir: string, depth = 0, out: string[] = []): string[] {
  if (depth > 4 || out.length > MAX_TEMPLATES) return out;
  let names: fs.Dirent[];
  try { names = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const d of names.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) listFiles(p, depth + 1, out); else if (d.isFile()) out.push(p);
  }
  return out;
}

interface Cached { stamp: string; chart: HelmChart }

/**
 * Charts as the engine renders them, cached per version of the files they are read from: values.yaml,
 * Chart.yaml and the helpers are parsed again only when their text changed.
 */
export class ChartCache {
  private readonly charts = new Map<string, Cached>();
  private readonly values = new Map<string, { text: string; values: Val }>();
  private readonly helpers = new Map<string, { text: string; defines: Defines }>();

  constructor(private readonly readText: (abs: string) => string | undefined, private readonly exists: (abs: string) => boolean = fs.existsSync) {}

  chartOf(abs: string): HelmChart | undefined {
    const root = chartRootOf(path.resolve(abs), this.exists);
    if (!root) return undefined;
    const valuesPath = ['values.yaml', 'values.yml'].map((n) => path.join(root, n)).find((p) => this.exists(p)) ?? path.join(root, 'values.yaml');
    const chartYaml = path.join(root, 'Chart.yaml');
    const files = listFiles(path.join(root, 'templates'));
    // Named templates of vendored subcharts (a library chart such as bitnami's common) serve the parent too.
    const helperFiles = [...files.filter((f) => f.endsWith('.tpl')), ...listFiles(path.join(root, 'charts')).filter((f) => /[\\/]templates[\\/][^\\/]*\.tpl$/.test(f))];
    const texts = new Map<string, string>();
    for (const f of [valuesPath, chartYaml, ...helperFiles]) texts.set(f, this.readText(f) ?? '');
    const stamp = [...texts.entries()].map(([f, t]) => `${f}\u0000${t.length}\u0000${hash(t)}`).join('\u0001') + files.join('\u0001');
    const cached = this.charts.get(root);
    if (cached?.stamp === stamp) return cached.chart;
    const valuesText = texts.get(valuesPath)!;
    const defines: Defines = new Map();
    for (const f of helperFiles) for (const [k, v] of this.definesOf(f, texts.get(f)!)) if (!defines.has(k) || f.startsWith(path.join(root, 'templates'))) defines.set(k, v);
    let meta: Record<string, unknown> = {};
    try { const m = parseYamlText(texts.get(chartYaml)!) as unknown; if (m && typeof m === 'object') meta = m as Record<string, unknown>; } catch { meta = {}; }
    const chart: HelmChart = {
      root, valuesPath, valuesText, values: this.valuesOf(valuesPath, valuesText),
      info: { name: String(meta.name ?? path.basename(root)), version: String(meta.version ?? '0.0.0'), appVersion: meta.appVersion === undefined ? undefined : String(meta.appVersion) },
      defines,
      templates: files.filter((f) => isChartManifestTemplate(path.relative(root, f))),
      inputs: [valuesPath, chartYaml, ...helperFiles],
      read: (p) => (texts.has(p) ? texts.get(p) : this.readText(p)),
      memo: new Map(),
    };
    this.charts.set(root, { stamp, chart });
    return chart;
  }

  /** The same chart with other values (the editor's unsaved values.yaml). */
  withValues(chart: HelmChart, text: string): HelmChart {
    return text === chart.valuesText ? chart : { ...chart, valuesText: text, values: this.valuesOf(chart.valuesPath, text) };
  }

  private valuesOf(p: string, text: string): Val {
    const hit = this.values.get(p);
    if (hit?.text === text) return hit.values;
    const values = readValues(text);
    this.values.set(p, { text, values });
    return values;
  }

  private definesOf(p: string, text: string): Defines {
    const hit = this.helpers.get(p);
    if (hit?.text === text) return hit.defines;
    const defines: Defines = new Map();
    for (const [k, nodes] of definesOf(text)) defines.set(k, { nodes, text });
    this.helpers.set(p, { text, defines });
    return defines;
  }
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}
