import type { EnvEntry, ImageRef, Located, ParseProblem } from './common';
import type { Range, SourceText } from './range';
import type { ShellCommand } from '../knowledge/shell';
import type { YView } from '../parse/yaml-view';

export interface ComposeMount {
  range: Range;
  type: 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster' | 'image' | 'unknown';
  source?: Located;
  target?: Located;
  readOnly: boolean;
  /** `- /data` (no source): a fresh volume each time the container is recreated. */
  anonymous: boolean;
}

export interface ComposePort {
  range: Range;
  hostIp?: string;
  published?: string;
  target?: string;
  protocol?: string;
  dynamic: boolean;
}

export interface ComposeDependency { name: string; range: Range; condition?: Located }

export interface ComposeCommand {
  range: Range;
  /** Written as a string (run through a shell by the image's entrypoint conventions) rather than a list. */
  stringForm: boolean;
  words: Located[];
  commands: ShellCommand[];
}

export interface ComposeBuild {
  range: Range;
  context?: Located;
  dockerfile?: Located;
  /** `dockerfile_inline`, if used. */
  inline?: Located;
  args: EnvEntry[];
}

export interface ComposeService {
  name: string;
  keyRange: Range;
  /** The service's mapping. */
  range: Range;
  image?: ImageRef;
  build?: ComposeBuild;
  environment: EnvEntry[];
  envFiles: Located[];
  volumes: ComposeMount[];
  ports: ComposePort[];
  dependsOn: ComposeDependency[];
  command?: ComposeCommand;
  entrypoint?: ComposeCommand;
  extraHosts: Located[];
  /** Every key of the service, for rules that need more than the fields above. */
  raw: YView;
}

export interface ComposeModel {
  kind: 'compose';
  uri: string;
  source: SourceText;
  services: ComposeService[];
  /** Names declared under the top-level `volumes:`. */
  namedVolumes: Map<string, Range>;
  /** The document root (top-level keys). */
  root?: YView;
  /** Contains `{{ }}` templates (rare, e.g. generated files). */
  templated: boolean;
  problems: ParseProblem[];
  /**
   * Compose/kubectl reject the file at a line break only go-yaml sees (a lone CR, NEL, LS or PS), and
   * the model was read from the text as written so nothing in it goes unanalysed. No fix edits it:
   * a position computed on this reading can fall inside what go-yaml reads as another line.
   */
  readAsWritten?: boolean;
}
