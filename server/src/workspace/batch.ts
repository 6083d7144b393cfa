import * as fs from 'fs';
import * as path from 'path';
import { analyzeText, AnalysisResult, AnalyzeHost, parseModel, prepareText } from '../engine/analyze';
import type { EngineConfig } from '../engine/config';
import type { FileKind } from '../model/common';
import type { Model } from '../engine/rule';
import type { KubeObject, KubernetesModel } from '../model/kubernetes';
import { CatalogueEntry, catalogueModel, catalogueObjects, configEntriesOf, configObjectsOf, isCatalogueQuery } from './catalogue';
import { readProblem, readDecodedText, UnreadableFile } from './safe-read';
import { ChartCache } from './helm-chart';

/**
 * How many recently parsed models a batch host keeps. A Compose file usually sits beside or above the
 * Dockerfiles it builds, so they are analysed close together; a bounded cache keeps memory flat on a
 * scan of thousands of files (keeping every model made large scans collect garbage far more).
 */
const RECENT_MODELS = 128;
/** How many manifests read for the catalogue may wait, parsed, for their own analysis. */
const HAND_OVER = 256;

/**
 * A host for analyses outside the editor: the real file system, with other files' models parsed on
 * demand. A model parsed for one side — a file's own analysis, or a rule of another file asking for
 * it — serves the other while it is recent and the text is the same, so a Dockerfile that a Compose
 * file builds is parsed once per scan, not twice.
 */
export interface DiskHost extends AnalyzeHost {
  parses: number;
  /**
   * The catalogue entries of one file of the run (configEntriesOf), for a catalogue put together from
   * several threads' shares; the parse waits for the file's own analysis on this host, as the catalogue's own do.
   */
  catalogueEntries(abs: string): string | undefined;
  /** Serves the catalogue of `scanned` from entries gathered by catalogueEntries (on any thread) instead of reading the files. */
  useCatalogue(scanned: string[], entries: Map<string, string>): void;
}

export function diskHost(config: EngineConfig, capacity = RECENT_MODELS, scanned?: string[]): DiskHost {
  const recent = new Map<string, { text?: string; model?: Model }>();
  const remember = (key: string, entry: { text?: string; model?: Model }) => {
    recent.delete(key);
    recent.set(key, entry);
    if (recent.size > capacity) recent.delete(recent.keys().next().value as string);
  };
  const read = (abs: string) => prepareText(readDecodedText(abs, config.maxFileBytes), config).text;
  // Manifests parsed for the catalogue wait here for their own analysis (bounded), instead of being parsed again.
  const handOver = new Map<string, { text: string; model: Model }>();
  const parseForCatalogue = (abs: string, text: string) => {
    host.parses++;
    let model: KubernetesModel | undefined;
    try { model = parseModel(abs, text, 'kubernetes') as KubernetesModel; } catch { return undefined; }
    if (handOver.size < HAND_OVER) handOver.set(abs, { text, model });
    return model;
  };
  let catalogue = scanned && fileCatalogue(scanned.map((f) => path.resolve(f)), read, parseForCatalogue);
  const charts = new ChartCache((abs) => { try { return read(abs); } catch { return undefined; } });
  const host: DiskHost = {
    parses: 0,
    catalogueEntries(abs: string) {
      let text: string | undefined;
      try { text = read(abs); } catch { text = undefined; }
      return configEntriesOf(abs, text, parseForCatalogue);
    },
    useCatalogue(files: string[], entries: Map<string, string>) {
      catalogue = fileCatalogue(files.map((f) => path.resolve(f)), read, parseForCatalogue, entries);
    },
    fileExists: (p: string) => fs.existsSync(p),
    chartOf: (abs: string) => charts.chartOf(abs),
    modelOf(abs: string, kind: FileKind): Model | undefined {
      if (catalogue && isCatalogueQuery(abs, kind)) return catalogue(abs);
      const key = `${kind}:${abs}`;
      const hit = recent.get(key);
      if (hit) { remember(key, hit); return hit.model; }
      let entry: { text?: string; model?: Model } = {};
      try {
        const text = read(abs);
        if (text !== undefined) { host.parses++; entry = { text, model: parseModel(abs, text, kind) }; }
      } catch { entry = {}; }
      remember(key, entry);
      return entry.model;
    },
    parse(abs: string, text: string, kind: FileKind): Model {
      const key = `${kind}:${abs}`;
      const waiting = kind === 'kubernetes' ? handOver.get(abs) : undefined;
      if (waiting) {
        handOver.delete(abs);
        if (waiting.text === text) { remember(key, waiting); return waiting.model; }
      }
      const hit = recent.get(key);
      if (hit?.model && hit.text === text) { remember(key, hit); return hit.model; }
      host.parses++;
      const model = parseModel(abs, text, kind);
      remember(key, { text, model });
      return model;
    },
  };
  return host;
}

/**
 * The manifest catalogue of a `check` or `fix` (see workspace/catalogue.ts): asking for the Kubernetes model of
 * a folder returns the objects of the scanned manifests under it that can define Secrets or ConfigMaps
 * (knowledge/config-objects), so a Deployment's ConfigMap defined in another file of the scan is found
 * as in `report`. Unlike the workspace index it leaves out manifests without such objects: a scan
 * applies no fixes, and reference resolution is the only reader of the catalogue besides fixes;
 * reading every manifest twice cost a third of the scan.
 * Each manifest is read once into compact objects (documents decoded on demand); folders' merged
 * models are kept for the run.
 */
export function fileCatalogue(files: string[], read: (abs: string) => string | undefined,
  parse: (abs: string, text: string) => KubernetesModel | undefined = (abs, text) => parseModel(abs, text, 'kubernetes') as KubernetesModel,
  known?: Map<string, string>): (folder: string) => KubernetesModel {
  const objects = new Map<string, KubeObject[]>();
  const folders = new Map<string, KubernetesModel>();
  const objectsOf = (f: string): KubeObject[] => {
    let o = objects.get(f);
    if (!o) {
      if (known) {
        // Gathered beforehand (DiskHost.catalogueEntries): a file without entries has no catalogue objects.
        const json = known.get(f);
        o = json === undefined ? [] : catalogueObjects(JSON.parse(json) as CatalogueEntry[]);
      } else {
        let text: string | undefined;
        try { text = read(f); } catch { text = undefined; }
        o = configObjectsOf(f, text, parse);
      }
      objects.set(f, o);
    }
    return o;
  };
  return (folder) => {
    const abs = path.resolve(folder);
    let merged = folders.get(abs);
    if (!merged) {
      const prefix = abs.endsWith(path.sep) ? abs : abs + path.sep;
      merged = catalogueModel(abs, files.filter((f) => f.startsWith(prefix)).flatMap(objectsOf));
      folders.set(abs, merged);
    }
    return merged;
  };
}

/** Reads and analyses one file; unreadable files become a problem, never an exception. */
export async function analyzePath(file: string, config: EngineConfig, host: AnalyzeHost): Promise<AnalysisResult> {
  let text: string;
  try { text = readDecodedText(file, config.maxFileBytes); } catch (e) {
    if (!(e instanceof UnreadableFile)) throw e;
    return { path: file, findings: [], suppressed: [], unusedSuppressions: [], ruleErrors: [], problems: [{ ...readProblem(e), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] };
  }
  return analyzeText(path.resolve(file), text, config, host);
}
