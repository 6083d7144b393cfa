/**
 * Stage and RUN helpers shared by the build-run, config and codebase rules (not a rule: index.ts
 * lists the rules).
 */
import type { Fix } from '../../engine/rule';
import type { Located } from '../../model/common';
import type { DockerfileFlag, DockerfileModel, Instruction, Stage } from '../../model/dockerfile';
import { isDynamicText } from '../../knowledge/interpolation';
import type { SourceText } from '../../model/range';
import type { ShellCommand, ShellWord } from '../../knowledge/shell';
import { dockerfileLineBreakOf } from '../../model/line-breaks';

/** Stages that a later stage builds on (`FROM name`) or copies / mounts files from (`--from=name|index`). */
export function referencedStages(model: DockerfileModel): Set<Stage> {
  const used = new Set<Stage>();
  const byRef = (ref: string | undefined): Stage | undefined => {
    if (!ref) return undefined;
    const r = ref.toLowerCase();
    return /^\d+$/.test(r) ? model.stages[Number(r)] : model.stages.find((s) => s.name === r);
  };
  for (const stage of model.stages) {
    if (stage.parent) used.add(stage.parent);
    for (const ins of stage.instructions) {
      for (const f of ins.flags) {
        const name = f.name.toLowerCase();
        if (name === 'from') { const s = byRef(f.value); if (s && s !== stage) used.add(s); }
        if (name === 'mount') {
          const from = /(?:^|,)from=([^,]+)/i.exec(f.value ?? '')?.[1];
          const s = byRef(from);
          if (s && s !== stage) used.add(s);
        }
      }
    }
  }
  return used;
}

/**
 * Stages that end up as an image of their own: the shipped ones (final stage and its FROM ancestors),
 * plus stages nothing else uses, which only exist to be built with `docker build --target <stage>`
 * (a `production` stage written before a `development` one, say).
 */
export function targetStages(model: DockerfileModel): Set<Stage> {
  const used = referencedStages(model);
  return new Set(model.stages.filter((s) => s.ships || !used.has(s)));
}

/** `RUN --mount=type=cache|tmpfs`: caches live outside the layer, so nothing is left behind. */
export function hasCacheMount(ins: Instruction): boolean {
  return ins.flags.some((f) => f.name.toLowerCase() === 'mount' && /(?:^|,)type=(?:cache|tmpfs)(?:,|$)/i.test(f.value ?? ''));
}

export { varsBefore } from './build-vars';

/** The word's characters are written verbatim at its offsets (not a relocated `sh -c` script with escapes). */
export function exactWord(source: SourceText, w: ShellWord): boolean {
  return w.end > w.start && source.text.slice(w.start, w.end) === w.text;
}

/**
 * Text that adds one option right after `after` (a command's word): ` --opt` in shell form and in
 * `sh -c` scripts, `, "--opt"` between JSON strings of exec form. Undefined when offsets are not exact.
 */
export function insertOptionEdit(ins: Instruction, source: SourceText, after: ShellWord, option: string): { offset: number; text: string } | undefined {
  if (!exactWord(source, after)) return undefined;
  const execWord = ins.execForm?.some((l) => source.offsetAt(l.range.start) + 1 === after.start && source.offsetAt(l.range.end) - 1 === after.end);
  if (execWord) return source.text[after.end] === '"' ? { offset: after.end + 1, text: `, "${option}"` } : undefined;
  return { offset: after.end, text: ` ${option}` };
}

/**
 * Appends `&& <command>` as a new continuation line at the end of a shell-form RUN whose last command
 * ends the instruction (no heredoc, no trailing comment, no background `&`). Undefined otherwise.
 */
export function appendCommandFix(model: DockerfileModel, ins: Instruction, commands: ShellCommand[], command: string, title: string, safety: 'safe' | 'unsafe'): Fix | undefined {
  if (ins.execForm || ins.heredocs.length || !commands.length) return undefined;
  const src = model.source;
  const last = commands[commands.length - 1];
  if (last.terminator && last.terminator !== ';' && last.terminator !== '\n') return undefined;
  const end = src.offsetAt(ins.range.end);
  const lastWord = last.words[last.words.length - 1];
  const textEnd = Math.max(lastWord?.end ?? last.start, last.redirects[last.redirects.length - 1]?.target?.end ?? 0);
  const tail = src.text.slice(textEnd, end);
  if (!/^[\s;]*$/.test(tail)) return undefined;
  const endLine = ins.range.end.line;
  // Indented like the RUN's own `&&` lines (not a package list's deeper indentation), else its last line.
  let indent = '';
  for (let l = endLine; l > ins.range.start.line && !indent; l--) {
    const m = /^([ \t]+)(?:&&|\|\|)/.exec(src.lineText(l));
    if (m) indent = m[1];
  }
  if (!indent && endLine > ins.range.start.line) indent = /^[ \t]*/.exec(src.lineText(endLine))?.[0] ?? '';
  const esc = model.escapeChar;
  const eol = dockerfileLineBreakOf(src.text);
  return {
    title, safety,
    edits: [{ range: src.range(textEnd, end), newText: ` ${esc}${eol}${indent || '    '}&& ${command}` }],
  };
}

/**
 * The double-quoted strings of a JSON-form argument list (`/"((?:[^"\\]|\\.)*)"/g`): `raw` is the text
 * between the quotes. Where a string cannot close, no string opened inside it closes either, so the
 * scan resumes after that point rather than at the next quote.
 */
export function quotedStrings(text: string): { start: number; end: number; raw: string }[] {
  const out: { start: number; end: number; raw: string }[] = [];
  for (let open = text.indexOf('"'); open >= 0; open = text.indexOf('"', open)) {
    let i = open + 1;
    while (i < text.length && text[i] !== '"' && text[i] !== '\\') i++;
    while (i < text.length && text[i] === '\\' && i + 1 < text.length && !/[\n\r\u2028\u2029]/.test(text[i + 1])) {
      i += 2;
      while (i < text.length && text[i] !== '"' && text[i] !== '\\') i++;
    }
    if (i >= text.length) break;
    // A backslash before a line break (or the end) closes nothing: no string starting before it can match.
    if (text[i] === '\\') { open = i + 1; continue; }
    out.push({ start: open, end: i + 1, raw: text.slice(open + 1, i) });
    open = i + 1;
  }
  return out;
}

/** Sources and destination of COPY/ADD (shell or JSON form); undefined for heredoc sources (inline content). */
export function copyOperands(ins: Instruction, source: SourceText): { sources: Located[]; dest: Located } | undefined {
  let words = ins.args;
  if (ins.argsText.trimStart().startsWith('[')) {
    words = quotedStrings(ins.argsText).map(({ start, end, raw }) => {
      let value = raw;
      try { value = JSON.parse(ins.argsText.slice(start, end)) as string; } catch { /* keep the raw text */ }
      return { value, range: source.range(ins.argsOffset + start, ins.argsOffset + end), dynamic: isDynamicText(value) };
    });
  }
  if (words.length < 2 || words.some((w) => w.value.startsWith('<<'))) return undefined;
  // BuildKit reads `ADD "https://x/a.tgz" /tmp/` with the quotes removed.
  words = words.map((w) => /^(["']).*\1$/s.test(w.value) && w.value.length >= 2 ? { ...w, value: w.value.slice(1, -1) } : w);
  return { sources: words.slice(0, -1), dest: words[words.length - 1] };
}

export function flagOf(ins: Instruction, name: string): DockerfileFlag | undefined {
  return ins.flags.find((f) => f.name.toLowerCase() === name);
}

/** `https://host/...`, `http://...`, `ftp://...`: sources ADD downloads. */
export const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

/** A git repository as ADD and Compose build contexts accept it: `https://host/x.git#ref`, `git@host:x.git`, `git://...`, `github.com/x/y`. */
export function gitSource(s: string): { repo: string; ref?: string } | undefined {
  const t = s.trim();
  const hash = t.indexOf('#');
  const repo = hash >= 0 ? t.slice(0, hash) : t;
  const frag = hash >= 0 ? t.slice(hash + 1) : '';
  const isGit = /^git@[^:]+:/.test(repo) || /^git:\/\//i.test(repo) || /^ssh:\/\/.*\.git\/?$/i.test(repo)
    || (/^https?:\/\//i.test(repo) && /\.git\/?$/i.test(repo)) || /^github\.com\//i.test(repo) || (/^https?:\/\//i.test(repo) && hash >= 0 && /^(?:github|gitlab|bitbucket)\./i.test(repo.replace(/^https?:\/\//i, '')));
  if (!isGit) return undefined;
  // `#ref:subdir`: the ref is before the colon.
  const ref = frag.split(':')[0] || undefined;
  return { repo, ref };
}

export { isMovingRef } from '../../knowledge/git-refs';

/** Compose files for development by their name (`compose.dev.yaml`, `docker-compose.override.yml`, `compose-local.yaml`, ...). */
export function isDevComposeFile(filePath: string): boolean {
  const parts = filePath.split(/[\\/]/);
  const name = parts.pop() ?? '';
  // A dev container or dev environment folder (`.devcontainer/`, `devcontainer-example/`, `devenv/`).
  if (parts.slice(-2).some((d) => /^\.?(?:devcontainer|devenv)(?:[-_.]|$)/i.test(d))) return true;
  return /(?:^|[._-])(?:dev|devel|develop|development|override|local|debug|test|tests|testing|ci|e2e|sandbox|watch)(?:[._-]|$)/i.test(name);
}

/** Compose files meant for production by their name (`compose.prod.yaml`, `docker-stack.yml`, ...). */
export function isProdComposeFile(filePath: string): boolean {
  const name = filePath.split(/[\\/]/).pop() ?? '';
  return /(?:^|[._-])(?:prod|production|release|deploy|deployment|stack|live|staging)(?:[._-]|$)/i.test(name);
}

/** Stage names that mark a development target (`dev`, `dev-envs`, `debug`, `test`): not a release. */
const DEV_STAGE = /(?:^|[-_.])(?:dev|devel|develop|development|debug|local|test|tests|testing|ci|e2e)(?:[-_.]|s?$)/i;
export function isDevStage(stage: Stage): boolean {
  return !!stage.name && DEV_STAGE.test(stage.name);
}

/** Dockerfiles named for development or debugging (`Dockerfile.dev`, `Dockerfile.debug`, `dev.Dockerfile`). */
export function isDevDockerfile(filePath: string): boolean {
  const name = filePath.split(/[\\/]/).pop() ?? '';
  return /(?:^|[._-])(?:dev|devel|development|debug|local|test|testing|ci|e2e)(?:[._-]|$)/i.test(name.replace(/dockerfile|containerfile/ig, ''));
}
