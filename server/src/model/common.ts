import type { Range } from './range';

/** `env`: a `.env` / `*.env` file, judged for the secrets it commits. */
export type FileKind = 'dockerfile' | 'compose' | 'kubernetes' | 'env';

/** A scalar read from a file with the range it occupies. */
export interface Located<T = string> {
  value: T;
  range: Range;
  /** True when the text holds a template or variable whose value is unknown until deploy time (`${VAR}`, `$(VAR)`, Helm `{{ }}`). */
  dynamic: boolean;
}

/** One environment variable (Dockerfile ENV/ARG, Compose environment/args, Kubernetes env). */
export interface EnvEntry {
  name: string;
  nameRange: Range;
  /** Literal value as written; undefined when absent (`ARG X`, `- FOO` in Compose, Kubernetes valueFrom). */
  value?: string;
  valueRange?: Range;
  /** The whole entry (for fixes that rewrite it). */
  range: Range;
  /** Value is a reference or template, not a literal. */
  dynamic: boolean;
  /** Kubernetes `valueFrom` source, if any. */
  valueFrom?: { kind: 'secretKeyRef' | 'configMapKeyRef' | 'fieldRef' | 'resourceFieldRef'; name?: string; key?: string; range: Range };
}

/** An image reference split into its parts. */
export interface ImageRef {
  raw: string;
  range: Range;
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** Contains variables or templates, so its tag cannot be judged. */
  dynamic: boolean;
}

export interface ParseProblem {
  message: string;
  range: Range;
  /** 'error' unless said: the file, or part of it, could not be read. A 'warning' reads it but differs from how Docker will. */
  severity?: 'error' | 'warning';
}
