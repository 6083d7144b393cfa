import type { EnvEntry, ParseProblem } from './common';
import type { Range, SourceText } from './range';

/** A place in another file that uses an env file's variable (a Compose `${NAME}` or `env_file:` line). */
export interface EnvUse { file: string; range: Range; how: string }

/** A `.env` / `*.env` file as `docker compose` reads it: one entry per `KEY=VALUE` line. */
export interface EnvFileModel {
  kind: 'env';
  uri: string;
  source: SourceText;
  entries: EnvEntry[];
  problems: ParseProblem[];
  /**
   * Set by the workspace layer: the file is committed (in a git work tree: tracked or not ignored; outside
   * git: not named like a template such as `.env.example`). Undefined: not known, treated as not committed.
   */
  committed?: boolean;
  /** Set by the workspace layer: Compose lines of the same project that use each variable. */
  users?: Map<string, EnvUse[]>;
}
