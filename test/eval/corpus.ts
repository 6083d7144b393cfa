/** Reading the shared test corpus (see corpus/README.md for its layout and answer-file formats). */
import * as fs from 'fs';
import * as path from 'path';
import type { FileKind } from '../../server/src/model/common';
import type { KicsKind } from './kics-map';

/** out/test/eval → repository root. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function corpusDir(): string {
  return process.env.SEAWORTHY_CORPUS ? path.resolve(process.env.SEAWORTHY_CORPUS) : path.resolve(repoRoot, '..', 'shared', 'corpus');
}

export function kicsDir(corpus = corpusDir()): string { return path.join(corpus, 'labeled', 'kics'); }

/** What `npm run eval` says, and the exit code it stops with, when the corpus is not at `corpus`. */
export function corpusAbsence(corpus: string): { exitCode: 2; message: string } | undefined {
  if (fs.existsSync(path.join(kicsDir(corpus), 'index.json')) && fs.existsSync(path.join(corpus, 'real', 'manifest.json'))) return undefined;
  return { exitCode: 2, message: `eval: corpus not found at ${corpus} (needs labeled/kics/index.json and real/manifest.json; set SEAWORTHY_CORPUS to its folder)` };
}

export interface IndexRow {
  kind: KicsKind; query: string; id: string; queryName: string; severity: string; category: string;
  topics: string[]; positiveFiles: number; negativeFiles: number; expectedFindings: number;
}

export function readIndex(corpus = corpusDir()): IndexRow[] {
  return (JSON.parse(fs.readFileSync(path.join(kicsDir(corpus), 'index.json'), 'utf8')) as { queries: IndexRow[] }).queries;
}

export interface QueryMeta {
  positiveFiles: string[];
  negativeFiles: string[];
  /** Only in common/passwords_and_secrets, whose tests mix file kinds. */
  kindOfEachFile?: Record<string, 'dockerfile' | 'k8s' | 'dockerCompose'>;
}

export interface Expected { file: string; line: number }

export interface QueryFiles {
  dir: string;
  meta: QueryMeta;
  expected: Expected[];
}

export function readQuery(key: string, corpus = corpusDir()): QueryFiles {
  const dir = path.join(kicsDir(corpus), key);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as QueryMeta;
  const expected = (JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected[]).map((e) => ({ file: e.file, line: e.line }));
  return { dir, meta, expected };
}

const KIND_OF: Record<string, FileKind> = { dockerfile: 'dockerfile', dockerCompose: 'compose', k8s: 'kubernetes' };

/** The engine kind of a labeled test file: by the query's folder, or per file for the common query. */
export function kindOfTestFile(kind: KicsKind, file: string, meta: QueryMeta): FileKind | undefined {
  if (kind === 'common') {
    const k = meta.kindOfEachFile?.[file];
    return k ? KIND_OF[k] : undefined;
  }
  if (kind === 'dockerfile') return 'dockerfile';
  if (/\.json$/i.test(file)) return kind === 'k8s' ? 'kubernetes' : undefined;
  return KIND_OF[kind];
}

export interface ManifestRow { path: string; kind: string; group: string; bytes: number; templated: boolean }

export function readManifest(corpus = corpusDir()): ManifestRow[] {
  return JSON.parse(fs.readFileSync(path.join(corpus, 'real', 'manifest.json'), 'utf8')) as ManifestRow[];
}

/** Manifest kinds we analyse, and the engine kind for each; every other kind is scanned and ignored. */
export const REAL_KINDS: Record<string, FileKind> = {
  dockerfile: 'dockerfile', compose: 'compose', k8s: 'kubernetes', 'helm-template': 'kubernetes',
};
