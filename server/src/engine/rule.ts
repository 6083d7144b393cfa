import type { FileKind } from '../model/common';
import type { ComposeModel } from '../model/compose';
import type { DockerfileModel } from '../model/dockerfile';
import type { EnvFileModel } from '../model/env';
import type { KubernetesModel } from '../model/kubernetes';
import type { Range } from '../model/range';
import type { BuildContext } from '../workspace/build-context';

/** The public category vocabulary (fixed: reports, settings and SARIF use these). */
export const CATEGORIES = [
  'secrets', 'dependencies', 'state', 'host-daemon', 'config', 'backing-services', 'build-run',
  'port-binding', 'scaling', 'codebase', 'observability', 'resources', 'versioning', 'security',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The practice of a resilient production environment a rule serves (the report's sections). */
export type Principle =
  | 'codebase' | 'dependencies' | 'config' | 'backing-services' | 'build-release-run' | 'processes'
  | 'port-binding' | 'concurrency' | 'disposability' | 'dev-prod-parity' | 'logs' | 'admin-processes'
  | 'backups' | 'rollout' | 'monitoring' | 'versioning' | 'disaster-recovery' | 'resource-planning' | 'security';

export type Severity = 'error' | 'warning' | 'info';
export type FixAvailability = 'safe' | 'unsafe' | 'none';
/**
 * `recommended`: right on real projects almost every time (the default everywhere); `strict`: policy and
 * taste, opt-in (`extends: strict`, `--rules strict`).
 */
export type RuleSet = 'recommended' | 'strict';
export type Model = DockerfileModel | ComposeModel | KubernetesModel | EnvFileModel;

/** Equivalent rule ids in other tools (documentation only). */
export interface PeerIds {
  hadolint?: string[]; buildkit?: string[]; kics?: string[]; checkov?: string[]; kubeLinter?: string[];
  polaris?: string[]; trivy?: string[]; dclint?: string[]; kubeScore?: string[];
}

export interface RuleDocs {
  /** Why this breaks production, in a few sentences. */
  why: string;
  bad: { lang: string; code: string };
  good: { lang: string; code: string };
  /** Optional: when the rule does not fire, how to silence it, limits. */
  notes?: string;
}

/** One text edit in one file (`file` undefined = the analysed document). */
export interface TextEdit { file?: string; range: Range; newText: string }
/** Creates a file with content, or appends lines to it when it exists (used for `.env`, `.gitignore`). */
export interface FileAppend {
  file: string;
  lines: string[];
  /** Skip a line when an existing line matches this test. */
  unlessLineMatches?: string[];
  /**
   * Per line, a test for an existing line that defines the same key (`^NAME=`). When one matches but the
   * exact line is absent, the file already holds another value: the fix is refused rather than leave the
   * moved value nowhere. An empty string means no test for that line.
   */
  conflictsWith?: string[];
}

export interface Fix {
  title: string;
  /** Safe fixes keep behaviour; unsafe ones change it and are only offered one by one. */
  safety: 'safe' | 'unsafe';
  edits: TextEdit[];
  appends?: FileAppend[];
  /**
   * The edit holds a value only the user can choose, in snippet syntax (`${1:VERSION}`): the editor lets
   * them type it in place; fix-all and `seaworthy fix` never apply it; other readers see the defaults.
   */
  snippet?: boolean;
}

export interface RelatedInfo { message: string; range: Range; file?: string }

export interface Report {
  range: Range;
  message: string;
  /** Computed only when a client asks for code actions or the CLI fixes. */
  fix?: () => Fix | Fix[] | undefined;
  related?: RelatedInfo[];
  /** Overrides the rule's default severity for this finding (e.g. a weaker signal). */
  severity?: Severity;
  /** The range names a file or object that holds secrets, not a secret value (printed output keeps it). */
  namesSecretHolder?: boolean;
}

/** What a rule can ask of its surroundings: never text or the file system directly. */
export interface RuleContext {
  report(r: Report): void;
  /** The analysed file's path (file-system path, not URI). */
  readonly path: string;
  /** Project configuration knowledge (in-house images' data directories, one-shot services, ...). */
  readonly settings: RuleSettings;
  /** Known secret-token formats found in the file (from secretlint), by document offset. */
  tokensIn(range: Range): TokenMatch[];
  /** Cross-file facts: does a file exist (relative to the analysed file's folder or absolute)? */
  fileExists(relativeOrAbsolute: string): boolean;
  /** Another workspace file's model, when the workspace index has it (Compose build → Dockerfile). */
  modelOf(relativeOrAbsolute: string, kind: FileKind): Model | undefined;
  /** The build contexts of the analysed Dockerfile (workspace/build-context.ts); none for other files. */
  buildContexts(): readonly BuildContext[];
}

export interface TokenMatch { range: Range; typeName: string; ruleId: string; value: string }

export type { BuildContext };

export interface RuleSettings {
  /** image base name → data directories, merged over the built-in knowledge. */
  dataDirectories: Record<string, string[]>;
  /** Service or workload names that run once and exit (no healthcheck or restart expected). */
  oneShot: string[];
  allowedRegistries: string[];
  requireDigests: boolean;
}

export interface RuleDefinition {
  id: string;
  title: string;
  category: Category;
  principle: Principle;
  severity: Severity;
  fix: FixAvailability;
  /** The rule set that holds the rule (default `recommended`). */
  set?: RuleSet;
  /**
   * The rule reads objects of other documents of a manifest than the one it reports on: the kinds it
   * reads there (a PodDisruptionBudget for a Deployment, the Services selecting a pod), or `true` when
   * it compares documents more freely (a claim shared by workloads). Incremental analysis
   * (engine/incremental.ts) then gives it those objects, or runs it on the whole file after every edit.
   */
  crossDocument?: true | readonly string[];
  /** Why the rule is in its set, when the generic sentence of engine/rule-sets.ts is not enough (shown in its doc). */
  setReason?: string;
  /** File kinds the rule checks (derived from `check` if omitted). */
  peers: PeerIds;
  docs: RuleDocs;
  check: {
    dockerfile?(model: DockerfileModel, ctx: RuleContext): void;
    compose?(model: ComposeModel, ctx: RuleContext): void;
    kubernetes?(model: KubernetesModel, ctx: RuleContext): void;
    env?(model: EnvFileModel, ctx: RuleContext): void;
  };
}

export interface Rule extends RuleDefinition { kinds: FileKind[] }

export function defineRule(def: RuleDefinition): Rule {
  return { ...def, kinds: (Object.keys(def.check) as FileKind[]) };
}
