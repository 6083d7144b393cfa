import type { EnvEntry, ImageRef, Located, ParseProblem } from './common';
import type { Range, SourceText } from './range';
import type { ShellCommand } from '../knowledge/shell';

export interface DockerfileFlag { name: string; value?: string; range: Range; valueRange?: Range }

export interface Heredoc {
  name: string;
  content: string;
  contentStart: number;
  contentRange?: Range;
  /** A line with the heredoc's name closes it. Docker refuses a Dockerfile with an unterminated heredoc. */
  terminated: boolean;
}

export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, ENV, ... */
  keyword: string;
  range: Range;
  keywordRange: Range;
  /** Text after the keyword (and its flags) as written, continuations included. */
  argsText: string;
  argsRange?: Range;
  /** Offset of argsText in the document. */
  argsOffset: number;
  /** Whitespace-separated arguments with continuations removed (dockerfile-ast's view). */
  args: Located[];
  flags: DockerfileFlag[];
  /** Exec-form (JSON array) arguments of RUN/CMD/ENTRYPOINT/HEALTHCHECK, if written that way. */
  execForm?: Located[];
  /**
   * The shell commands this instruction runs: shell form, heredoc scripts, `sh -c "..."` in exec form,
   * and exec form as one command. Empty for instructions that run nothing.
   */
  commands: ShellCommand[];
  /** ENV / ARG / LABEL key-value pairs. */
  properties: EnvEntry[];
  heredocs: Heredoc[];
  /** Stage the instruction belongs to; undefined for ARGs before the first FROM. */
  stage?: Stage;
  /** Nested instruction of ONBUILD. */
  onbuild?: Instruction;
}

export interface Stage {
  index: number;
  /** `AS name`, lower-cased as BuildKit does. */
  name?: string;
  nameRange?: Range;
  from: Instruction;
  /** Base image, with ARGs resolved where they have defaults; undefined when FROM names an earlier stage or `scratch`. */
  image?: ImageRef;
  /** Earlier stage used as this stage's base. */
  parent?: Stage;
  /** Instructions after FROM, up to the next FROM. */
  instructions: Instruction[];
  isFinal: boolean;
  /** This stage's filesystem ends up in the shipped image (the final stage or one of its FROM ancestors). */
  ships: boolean;
  /** Platform flag on FROM, if any. */
  platform?: string;
}

export interface DockerfileModel {
  kind: 'dockerfile';
  uri: string;
  source: SourceText;
  escapeChar: string;
  instructions: Instruction[];
  stages: Stage[];
  /** ARGs declared before the first FROM (usable in FROM lines). */
  globalArgs: EnvEntry[];
  problems: ParseProblem[];
  /**
   * Offset where an unterminated heredoc starts (the end of its `<<EOF` line): Docker reads everything
   * from there to the end of the file as the heredoc's content, so no edit may insert anything there.
   */
  openHeredocFrom?: number;
}

export function finalStage(m: DockerfileModel): Stage | undefined {
  return m.stages[m.stages.length - 1];
}

/** Last instruction with a keyword in a stage, following FROM-parents (what the image inherits). */
export function effectiveInstruction(stage: Stage, keyword: string): Instruction | undefined {
  for (let s: Stage | undefined = stage; s; s = s.parent) {
    for (let i = s.instructions.length - 1; i >= 0; i--) if (s.instructions[i].keyword === keyword) return s.instructions[i];
  }
  return undefined;
}
