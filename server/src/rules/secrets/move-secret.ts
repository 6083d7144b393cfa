/**
 * The quick fixes of `hardcoded-secret` that move a literal out of a Kubernetes manifest or a
 * Dockerfile (not a rule: index.ts lists the rules). The value is never dropped: it goes to a file
 * beside the analysed one that the fix also adds to `.gitignore` (and that `seaworthy fix` refuses to
 * write when git tracks it, see engine/apply-fixes.ts `receivesSecrets`). Layouts the edit cannot
 * handle exactly (flow mappings, anchors, Helm templates, variables used outside RUN) get no fix.
 */
import { plainScalarSafe } from '../backing-services/yaml-edit';
import type { Fix, RelatedInfo, TextEdit } from '../../engine/rule';
import type { EnvEntry } from '../../model/common';
import type { DockerfileModel, Instruction, Stage } from '../../model/dockerfile';
import type { KubeContainer, KubeObject, KubernetesModel } from '../../model/kubernetes';
import type { Range } from '../../model/range';
import { isAlias, isScalar } from 'yaml';
import { entryEnd, eolOf, keyColumn, ownEntries, stepBelow } from '../backing-services/yaml-edit';
import { hasLineBreak } from '../../knowledge/text';
import { dockerfileLineBreakOf } from '../../model/line-breaks';

export interface MoveFix { fix: () => Fix | undefined; related?: RelatedInfo[] }

/** The file name a Kubernetes Secret's values are saved in (kept in sync with apply-fixes.ts `receivesSecrets`). */
export const SECRET_MANIFEST_SUFFIX = '.secret.yaml';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `.env` line for a value, quoted when it holds more than plain characters; undefined when it cannot be written safely. */
export function dotEnvLine(name: string, value: string): string | undefined {
  if (!ENV_NAME.test(name) || /['\n\r]/.test(value)) return undefined;
  return /^[\w@%+=:,./-]*$/.test(value) ? `${name}=${value}` : `${name}='${value}'`;
}

/**
 * The value a container receives for a Compose literal: `$$` is Compose's escape for `$`. undefined
 * when the text interpolates a variable (a lone `$`), which is not a literal to move.
 */
export function composeLiteral(text: string): string | undefined {
  if (/\$(?!\$)/.test(text.replace(/\$\$/g, ''))) return undefined;
  return text.replace(/\$\$/g, '$');
}

/**
 * Compose interpolates `${NAME}` from the `.env` beside the Compose file, so moving the literal there
 * keeps the value the container sees while taking it out of the tracked file. The `.env` receives the
 * value the container sees (`pa$$1word` in YAML is `pa$1word`), quoted so Compose reads it back unchanged.
 */
export function composeMove(e: EnvEntry): Fix | undefined {
  const value = composeLiteral(e.value ?? '');
  const line = e.valueRange && value !== undefined ? dotEnvLine(e.name, value) : undefined;
  if (!line || !e.valueRange) return undefined;
  return {
    title: `Move ${e.name} to .env and reference \${${e.name}}`,
    safety: 'safe',
    edits: [{ range: e.valueRange, newText: `\${${e.name}}` }],
    appends: [
      { file: '.env', lines: [line] },
      { file: '.gitignore', lines: ['.env'] },
    ],
  };
}

function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

/** A YAML mapping key that reads back as the same string under YAML 1.1 and 1.2 (Kubernetes reads 1.1). */
function yamlKey(k: string): string {
  return plainScalarSafe(k) ? k : JSON.stringify(k);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

const DNS_NAME = /^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/;

/**
 * Kubernetes: `value: <literal>` becomes `valueFrom.secretKeyRef` to the Secret `<workload>-secrets`,
 * whose manifest `<workload>-secrets[.<namespace>].secret.yaml` beside the file receives the value under
 * `stringData:` (created with a header, or the key appended; a key already there keeps its value).
 */
export function kubernetesMove(model: KubernetesModel, obj: KubeObject, c: KubeContainer, e: EnvEntry): MoveFix | undefined {
  if (model.helm || obj.templated || !obj.name || !e.valueRange) return undefined;
  const secretName = `${obj.name}-secrets`;
  const namespace = obj.namespace;
  if (!DNS_NAME.test(secretName) || secretName.length > 253 || (namespace !== undefined && !DNS_NAME.test(namespace))) return undefined;
  if (!/^[-._a-zA-Z0-9]+$/.test(e.name) || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(e.value ?? '')) return undefined;
  // A Secret of that name written in this file is committed: the value must not go there, and a second one would clash.
  if (model.objects.some((o) => o.kind === 'Secret' && o.name === secretName && (o.namespace ?? '') === (namespace ?? ''))) return undefined;
  const src = model.source;
  const envSeq = c.raw.get('env');
  if (!envSeq?.isSeq) return undefined;
  const item = envSeq.items().find((i) => sameRange(i.range, e.range));
  if (!item?.isMap || !sameRange(item.range, e.range)) return undefined;
  const own = ownEntries(item);
  if (own.some((x) => x.key === 'valueFrom')) return undefined;
  const valueEntry = own.find((x) => x.key === 'value');
  const col = keyColumn(src, item);
  const node = valueEntry?.pair.value;
  // Anchored or aliased values are shared with other places in the file: leave them alone.
  if (!valueEntry || col === undefined || !node || isAlias(node) || !isScalar(node) || node.anchor) return undefined;
  if (!sameRange(valueEntry.value.range, e.valueRange)) return undefined;
  const meta = obj.raw.entry('metadata');
  const step = meta ? stepBelow(src, meta.keyRange.start.character, meta.value) : 2;
  const eol = eolOf(src.text);
  const ind = (n: number) => ' '.repeat(col + n * step);
  const file = `${secretName}${namespace ? `.${namespace}` : ''}${SECRET_MANIFEST_SUFFIX}`;
  const nsFlag = namespace ? ` -n ${namespace}` : '';
  const related: RelatedInfo[] = [{
    range: e.nameRange,
    message: `The quick fix saves the value in ${file} beside this manifest (git-ignored, never commit it). Create the Secret before the rollout: \`kubectl apply -f ${file}\`, or \`kubectl create secret generic ${secretName}${nsFlag} --from-literal=${e.name}=<value>\`.`,
  }];
  const fix = (): Fix => {
    // A one-line value keeps a trailing comment; a block scalar is replaced up to its last line.
    const oneLine = valueEntry.range.end.line === valueEntry.keyRange.start.line;
    const range: Range = { start: valueEntry.keyRange.start, end: oneLine ? valueEntry.range.end : src.positionAt(entryEnd(src, valueEntry)) };
    const newText = [`valueFrom:`, `${ind(1)}secretKeyRef:`, `${ind(2)}name: ${secretName}`, `${ind(2)}key: ${yamlKey(e.name)}`].join(eol);
    const header = [
      '# seaworthy-ignore-file committed-secret-manifest -- git-ignored, holds values moved out of manifests',
      `# Create the Secret before the workloads that use it: kubectl apply -f ${file}`,
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      `  name: ${secretName}`,
      ...(namespace ? [`  namespace: ${namespace}`] : []),
      'type: Opaque',
      'stringData:',
    ];
    return {
      title: `Move ${e.name} to Secret "${secretName}" (value saved in git-ignored ${file})`,
      safety: 'unsafe',
      edits: [{ range, newText }],
      appends: [
        // An existing Secret manifest only gets the key (and nothing when it has the key already: its value stays).
        { file, lines: [...header, `  ${yamlKey(e.name)}: ${JSON.stringify(e.value ?? '')}`], unlessLineMatches: [...header.map(() => '^kind:\\s*Secret\\s*$'), `^\\s+["']?${escapeRe(e.name)}["']?\\s*:`], conflictsWith: [...header.map(() => ''), `^\\s+["']?${escapeRe(e.name)}["']?\\s*:`] },
        { file: '.gitignore', lines: [file], unlessLineMatches: [`^/?(?:\\*\\.secret\\.yaml|${escapeRe(file)})\\s*$`] },
      ],
    };
  };
  return { fix, related };
}

/** `# name=value`, value trimmed after the match: `\s*(.*?)\s*$` tried every split of a long blank run. */
export function parserDirective(text: string): { name: string; value: string } | undefined {
  const m = /^\uFEFF?#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=([\s\S]*)$/.exec(text);
  const value = m?.[2].trim();
  return m && !hasLineBreak(value!) ? { name: m[1], value: value! } : undefined;
}

/** Parser directives at the top of a Dockerfile (`# syntax=...`), keyed by lower-cased name. */
function directives(model: DockerfileModel): Map<string, string> {
  const out = new Map<string, string>();
  for (let line = 0; line < model.source.lineCount; line++) {
    const d = parserDirective(model.source.lineText(line));
    if (!d) break;
    out.set(d.name.toLowerCase(), d.value);
  }
  return out;
}

/** `RUN --mount=type=secret,env=` needs the Dockerfile frontend 1.10 or later. */
function frontendHasSecretEnv(syntax: string): boolean {
  const m = /^(?:docker\.io\/)?docker\/dockerfile(?:-upstream)?(?::([^@]+))?(?:@sha256:[0-9a-f]+)?$/.exec(syntax.trim());
  if (!m) return false;
  const tag = m[1];
  if (tag === undefined) return !syntax.includes('@');
  if (/^(?:latest|labs|1|1-labs)$/.test(tag)) return true;
  const v = /^1\.(\d+)(?:\.\d+)?(?:-labs)?$/.exec(tag);
  return !!v && Number(v[1]) >= 10;
}

/** Instructions that see a variable declared by `ins`: the rest of its stage, and for ENV the stages built FROM it. */
function scopeOf(model: DockerfileModel, ins: Instruction, stage: Stage): Instruction[] {
  const rest = stage.instructions.slice(stage.instructions.indexOf(ins) + 1);
  if (ins.keyword !== 'ENV') return rest;
  const descends = (s: Stage) => { for (let p = s.parent; p; p = p.parent) if (p === stage) return true; return false; };
  return [...rest, ...model.stages.filter(descends).flatMap((s) => [s.from, ...s.instructions])];
}

/** Text of an instruction after its keyword (flags, arguments, heredoc bodies). */
function bodyOf(model: DockerfileModel, ins: Instruction): string {
  return model.source.text.slice(model.source.offsetAt(ins.keywordRange.end), model.source.offsetAt(ins.range.end));
}

/** The edit that removes one ENV/ARG property: the whole instruction when it is the only one. */
function removeProperty(model: DockerfileModel, ins: Instruction, e: EnvEntry): TextEdit | undefined {
  const src = model.source;
  const props = ins.properties;
  const i = props.indexOf(e);
  if (i < 0) return undefined;
  if (props.length === 1) {
    const args = ins.argsRange ? src.slice(ins.argsRange).trim() : '';
    if (args !== src.slice(e.range).trim()) return undefined; // `ARG A=1 B=2` read as one property
    if (src.lineText(ins.range.start.line).slice(0, ins.range.start.character).trim() !== '') return undefined;
    const from = src.lineStart(ins.range.start.line);
    const to = ins.range.end.line + 1 < src.lineCount ? src.lineStart(ins.range.end.line + 1) : src.text.length;
    return { range: src.range(from, to), newText: '' };
  }
  // Between two properties only blanks and line continuations, so removing one keeps the others intact.
  const cont = new RegExp(`${escapeRe(model.escapeChar)}\\r?\\n`, 'g');
  const gapOk = (a: Range, b: Range) => src.text.slice(src.offsetAt(a.end), src.offsetAt(b.start)).replace(cont, '').trim() === '';
  if (i < props.length - 1) {
    if (!gapOk(e.range, props[i + 1].range)) return undefined;
    return { range: { start: e.range.start, end: props[i + 1].range.start }, newText: '' };
  }
  if (!gapOk(props[i - 1].range, e.range)) return undefined;
  return { range: { start: props[i - 1].range.end, end: e.range.end }, newText: '' };
}

/**
 * Dockerfile: an ARG/ENV secret that RUN steps read becomes a BuildKit secret. The literal is removed,
 * each RUN in its scope that references `$NAME`/`${NAME}` gets `--mount=type=secret,id=<name>,env=NAME`
 * (the same environment variable, only during that step), `# syntax=docker/dockerfile:1` is added when
 * no syntax directive exists (`env=` needs frontend 1.10+), and the value goes to the `.env` beside the
 * Dockerfile (git-ignored and docker-ignored), from which `docker build --secret id=<name>,env=NAME`
 * or Compose build `secrets:` pass it. No fix when the variable is used anywhere but RUN.
 */
export function dockerfileMove(model: DockerfileModel, ins: Instruction, e: EnvEntry): MoveFix | undefined {
  const stage = ins.stage;
  if (!stage || (ins.keyword !== 'ARG' && ins.keyword !== 'ENV') || e.value === undefined) return undefined;
  const line = dotEnvLine(e.name, e.value);
  if (!line) return undefined;
  const name = e.name;
  const ref = new RegExp(`\\$(?:${escapeRe(name)}(?![A-Za-z0-9_])|\\{${escapeRe(name)}(?=[}:?+#%/-]))`);
  // `ENV A=secret B=${A}` reads it in the same instruction.
  if (ins.properties.some((p) => p !== e && ref.test(model.source.slice(p.range)))) return undefined;
  const runs: Instruction[] = [];
  for (const other of scopeOf(model, ins, stage)) {
    if ((other.keyword === 'ARG' || other.keyword === 'ENV') && other.properties.some((p) => p.name === name)) return undefined;
    if (!ref.test(bodyOf(model, other))) continue;
    if (other.keyword !== 'RUN') return undefined; // used at run time or by Dockerfile substitution: a secret mount cannot stand in
    runs.push(other);
  }
  if (!runs.length) return undefined;
  const syntax = directives(model).get('syntax');
  if (syntax !== undefined && !frontendHasSecretEnv(syntax)) return undefined;
  const removal = removeProperty(model, ins, e);
  if (!removal) return undefined;
  const id = name.toLowerCase();
  const src = model.source;
  const eol = dockerfileLineBreakOf(src.text);
  const runtime = ins.keyword === 'ENV' && stage.ships
    ? ` ${name} is then no longer in the image's environment: if the application reads it at run time, pass it at run time (\`docker run --env-file .env\`, Compose \`environment:\`).`
    : '';
  const related: RelatedInfo[] = [{
    range: e.nameRange,
    message: `The quick fix saves the value in the .env beside this Dockerfile (git-ignored, docker-ignored) and mounts it as a build secret. Build with \`docker build --secret id=${id},env=${name} .\` with ${name} exported from .env, or in Compose with build \`secrets: [${id}]\` and top-level \`secrets: {${id}: {environment: ${name}}}\`.${runtime}`,
  }];
  const fix = (): Fix => {
    const edits: TextEdit[] = [removal];
    for (const run of runs) {
      const has = run.flags.some((f) => f.name.toLowerCase() === 'mount' && (f.value ?? '').split(',').some((kv) => kv.trim() === `env=${name}`));
      if (!has) edits.push({ range: { start: run.keywordRange.end, end: run.keywordRange.end }, newText: ` --mount=type=secret,id=${id},env=${name}` });
    }
    if (syntax === undefined) {
      const at = src.text.startsWith('\uFEFF') ? 1 : 0;
      const p = src.positionAt(at);
      edits.push({ range: { start: p, end: p }, newText: `# syntax=docker/dockerfile:1${eol}` });
    }
    return {
      title: `Pass ${name} to RUN as a build secret (--mount=type=secret,id=${id}) and move its value to .env`,
      safety: 'unsafe',
      edits,
      appends: [
        { file: '.env', lines: [line] },
        { file: '.gitignore', lines: ['.env'] },
        { file: '.dockerignore', lines: ['.env'] },
      ],
    };
  };
  return { fix, related };
}
