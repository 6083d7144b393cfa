import * as fs from 'fs';
import * as path from 'path';
import { defaultConfig, EngineConfig } from '../engine/config';
import { applyProjectConfig, formatConfigErrors, ProjectConfigResolver } from '../engine/project-config';
import { REPORT_FORMATS, renderReport, reportOf, ReportFormat } from '../report';
import { WorkspaceIndex } from '../workspace/index';
import { flagReader, UsageError } from './usage';
import { emptyScanExit } from './empty-scan';
import { repositoryRootOf } from './formats/paths';
import { VERSION } from './version';

export interface ReportOptions { paths: string[]; format: ReportFormat; output?: string; failUnder?: number; allowEmpty?: boolean }

export function parseReportArgs(args: string[]): ReportOptions {
  const opts: ReportOptions = { paths: [], format: 'markdown' };
  for (const i = { at: 0 }; i.at < args.length; i.at++) {
    const a = args[i.at];
    const { flag, value } = flagReader(args, i);
    if (flag === '--format') {
      const v = value();
      if (!REPORT_FORMATS.includes(v as ReportFormat)) throw new UsageError(`unknown format "${v}" (use ${REPORT_FORMATS.join(', ')})`);
      opts.format = v as ReportFormat;
    } else if (flag === '--output' || flag === '-o') opts.output = value();
    else if (flag === '--fail-under') {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 0 || v > 100) throw new UsageError('--fail-under needs a whole number from 0 to 100');
      opts.failUnder = v;
    } else if (flag === '--allow-empty') opts.allowEmpty = true;
    else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
    else opts.paths.push(a);
  }
  if (!opts.paths.length) throw new UsageError('no PATH given');
  return opts;
}

/** Scans the paths as one workspace (cross-file links included) and writes the report. */
export async function runReport(opts: ReportOptions, config: EngineConfig = defaultConfig(), out = process.stdout, err = process.stderr): Promise<number> {
  const missing = opts.paths.filter((p) => !fs.existsSync(p));
  for (const m of missing) err.write(`seaworthy: ${m}: no such file or directory\n`);
  const roots = opts.paths.filter((p) => !missing.includes(p));
  if (!roots.length) return 2;
  // The same per-file `.seaworthy.yaml` handling as check: ignores, rule levels, settings.
  const resolver = new ProjectConfigResolver(roots.map((r) => path.resolve(r)));
  const perConfigFile = new Map<string, EngineConfig>();
  const configFor = (abs: string) => {
    const { project } = resolver.forFile(abs);
    const key = project?.file ?? '';
    if (!perConfigFile.has(key)) perConfigFile.set(key, applyProjectConfig(config, project?.config));
    return perConfigFile.get(key)!;
  };
  const index = new WorkspaceIndex({ roots, config, configFor, isIgnored: (p) => resolver.forFile(p).ignored });
  await index.scan();
  const broken = new Map(index.results().map((r) => resolver.forFile(r.path).project).filter((p) => p?.errors.length).map((p) => [p!.file, p!]));
  for (const b of broken.values()) err.write(`seaworthy: invalid configuration:\n${formatConfigErrors(b)}\n`);
  if (broken.size) return 2;
  const report = reportOf(index);
  const empty = emptyScanExit(report.totals.files, roots, Boolean(opts.allowEmpty), err);
  if (empty !== undefined) return empty;
  const text = renderReport(report, opts.format, { toolVersion: VERSION, srcRoot: repositoryRootOf() });
  if (opts.output) {
    fs.mkdirSync(path.dirname(path.resolve(opts.output)), { recursive: true });
    fs.writeFileSync(opts.output, text);
    err.write(`seaworthy: score ${report.score}/100 (${report.status}); ${opts.format} report written to ${opts.output}\n`);
  } else out.write(text);
  return opts.failUnder !== undefined && report.score < opts.failUnder ? 1 : 0;
}
