import type { Category, Severity } from '../engine/rule';
import type { FileKind } from '../model/common';
import type { Range } from '../model/range';
import type { Status } from './score';
import type { SectionId } from './sections';

/** The report as data: the JSON export, and what every renderer and the webview read. */
export interface Report {
  tool: 'seaworthy';
  /** Format version of this object. */
  format: 1;
  /** Folder the `file` paths are relative to (the workspace folder, or the common parent of several). */
  base: string;
  score: number;
  status: Status;
  /** Deployable units: Compose services, Kubernetes workloads and images no unit uses. */
  units: number;
  formula: { weights: Record<Severity, number>; maxBlast: number; halfScorePenalty: number };
  totals: { files: number; findings: number; error: number; warning: number; info: number; accepted: number; problems: number };
  sections: ReportSection[];
  /** The five open findings to fix first: highest penalty (severity × blast radius) first. */
  fixFirst: ReportFinding[];
  files: ReportFile[];
  /** Files that could not be read (syntax errors, oversized): listed, not scored. */
  problems: { file: string; line: number; severity: Severity; message: string }[];
}

export interface ReportSection {
  id: SectionId;
  title: string;
  good: string;
  /** null when the section is not assessed (no rule checks it): no score is better than a made-up 100. */
  score: number | null;
  status: Status | 'not-assessed';
  /** Categories feeding this section and how many rules check it (0: review by hand). */
  categories: Category[];
  checks: number;
  /** Each rule of the section and whether it could apply here (the project has a file kind it reads). */
  checkList: SectionCheck[];
  /** Rules of the section that could apply to this project; 0 with `checks` > 0: not applicable. */
  assessed: number;
  /** Why nothing here could be assessed (set when `assessed` is 0 and `checks` is not). */
  notApplicable?: string;
  penalty: number;
  findings: ReportFinding[];
  /** Findings suppressed with a reason: accepted risk, not scored. */
  accepted: ReportFinding[];
}

export interface SectionCheck {
  ruleId: string;
  title: string;
  /** File kinds the rule reads. */
  kinds: FileKind[];
  /** The project has at least one file of a kind the rule reads. */
  applicable: boolean;
  /** Open findings of the rule. */
  findings: number;
}

export interface ReportFinding {
  /** Stable across line moves: rule, file and message. */
  fingerprint: string;
  file: string;
  fileKind?: FileKind;
  ruleId: string;
  category: Category;
  section: SectionId;
  severity: Severity;
  message: string;
  /** 0-based, as in the editor. */
  range: Range;
  /** Units this finding reaches (a Dockerfile's findings reach every service built from it). */
  blast: number;
  affects: string[];
  penalty: number;
  accepted?: { reason: string; by: string };
  /** Hidden by a suppression comment without a reason: still scored. */
  suppressedWithoutReason?: boolean;
}

export interface ReportFile {
  file: string;
  kind?: FileKind;
  score: number;
  status: Status;
  counts: Record<Severity, number>;
  accepted: number;
  problems: number;
  /** Units using this file (services built from a Dockerfile, workloads reading a Secret). */
  usedBy: string[];
  /** Cross-file links from this file: build, env_file, extends, include, secret, configmap, image. */
  links: { type: string; to: string; missing: boolean }[];
}
