import * as path from 'path';
import type { ChartInfo, Defines } from './render';
import type { Val } from './values';

/**
 * A Helm chart as its templates are rendered: the default values, Chart.yaml's facts and the named
 * templates of its helper files. Built and cached per file version by the workspace layer
 * (workspace/helm-chart.ts); hosts hand it to the engine through `AnalyzeHost.chartOf`.
 */
export interface HelmChart {
  root: string;
  valuesPath: string;
  valuesText: string;
  values: Val;
  info: ChartInfo;
  defines: Defines;
  /** The chart's manifest templates (absolute paths; helpers and NOTES.txt left out). */
  templates: string[];
  /** What rendering one template reads besides the template: values.yaml, Chart.yaml, the helpers. */
  inputs: string[];
  /** A chart file's text (an open editor document wins over the disk). */
  read(abs: string): string | undefined;
  /**
   * The engine's results per template for this version of the chart (engine/helm.ts): a template's
   * analysis leaves here what values.yaml's analysis then reads instead of rendering it again.
   */
  memo: Map<string, unknown>;
}

const VALUES_NAME = /^values\.ya?ml$/;

export function isValuesFileName(abs: string): boolean {
  return VALUES_NAME.test(path.basename(abs));
}

/** A rendered manifest template of a chart (not a helper, not NOTES.txt). */
export function isChartManifestTemplate(rel: string): boolean {
  const base = path.basename(rel);
  return /\.(?:ya?ml|json)$/i.test(base) && !base.startsWith('_');
}
