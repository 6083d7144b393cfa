import * as nodePath from 'path';
import { defineRule, Fix, RuleContext } from '../../engine/rule';
import type { DockerfileModel, Instruction, Stage } from '../../model/dockerfile';
import type { Range, SourceText } from '../../model/range';
import { commandsOf } from '../../knowledge/container-commands';
import { LOCKFILES, LockfileInstall, lockfileInstall, LockfileManager } from '../../knowledge/lockfiles';
import { SHELL_PROGRAMS, ShellWord } from '../../knowledge/shell';
import { withoutTrailingSlashes } from '../../knowledge/text';

const ALL_LOCKFILES = Object.values(LOCKFILES).flat();
const MANAGER_OF = new Map<string, LockfileManager>(Object.entries(LOCKFILES).flatMap(([m, files]) => files.map((f) => [f, m as LockfileManager])));

/** A lockfile that is in the stage's filesystem: where it came from. */
interface Copied { file: string; range: Range; how: string }

/**
 * Go's filepath.Match on one path segment (`*`, `?`, `[...]`), which COPY and ADD use, against a
 * lockfile name (never holding `/`). Matched with one backtracking point, the last `*`: a glob turned
 * into `^[^/]*x[^/]*...$` backtracks through every split of the name among its stars.
 */
export function globMatches(glob: string, name: string): boolean {
  const STAR = null;
  const tokens: (((c: string) => boolean) | null)[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') { if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR); } else if (c === '?') tokens.push((ch) => ch !== '/');
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) return false;
      let oneOf: RegExp;
      try { oneOf = new RegExp('^[' + glob.slice(i + 1, end).replace(/\\/g, '\\\\') + ']$'); } catch { return false; }
      tokens.push((ch) => oneOf.test(ch));
      i = end;
    } else {
      const literal = c === '\\' && i + 1 < glob.length ? glob[++i] : c;
      tokens.push((ch) => ch === literal);
    }
  }
  let t = 0, n = 0, starToken = -1, starName = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token === STAR) { starToken = t++; starName = n; } else if (token && token(name[n])) { t++; n++; } else if (starToken >= 0 && name[starName] !== '/') { t = starToken + 1; n = ++starName; } else return false;
  }
  while (tokens[t] === STAR) t++;
  return t === tokens.length;
}

/** Sources of COPY/ADD in shell or JSON form; undefined for heredoc COPY (inline content). */
function copySources(ins: Instruction): { value: string; range: Range }[] | undefined {
  let words: { value: string; range: Range }[] = ins.args;
  if (ins.execForm) words = ins.execForm;
  else if (ins.argsText.trimStart().startsWith('[')) return undefined;
  if (words.length < 2 || words.some((w) => w.value.startsWith('<<'))) return undefined;
  return words.slice(0, -1);
}

/**
 * Lockfiles a COPY/ADD source or a bind mount's source brings in. A literal lockfile name always
 * counts (the build fails without it anyway). A wildcard or a folder counts when the lockfile exists
 * there in the build context (the Dockerfile's folder); `package*.json`, the Node convention for
 * "package.json and its lockfile", also counts when the context is not beside the Dockerfile (no
 * package.json there either), and never when package.json is there without a lockfile.
 */
function lockfilesIn(source: string, fromOtherStage: boolean, ctx: RuleContext): { file: string; how: string }[] {
  const value = withoutTrailingSlashes(source);
  if (!value || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^git@/.test(value)) return [];
  const base = nodePath.posix.basename(value);
  if (ALL_LOCKFILES.includes(base)) return [{ file: base, how: `\`${source}\`` }];
  if (fromOtherStage || /[$]/.test(value)) return [];
  const dir = base === value ? '.' : nodePath.posix.dirname(value);
  const out: { file: string; how: string }[] = [];
  if (/[*?[]/.test(base)) {
    if (/[*?[]/.test(dir)) return [];
    for (const lock of ALL_LOCKFILES) {
      if (!globMatches(base, lock)) continue;
      if (ctx.fileExists(nodePath.posix.join(dir, lock))) out.push({ file: lock, how: `\`${source}\`, which matches the ${lock} in the build context` });
      else if (MANAGER_OF.get(lock) === 'npm' && lock === 'package-lock.json' && globMatches(base, 'package.json') && !ctx.fileExists(nodePath.posix.join(dir, 'package.json'))) {
        out.push({ file: lock, how: `\`${source}\`, which copies package.json together with its lockfile` });
      }
    }
    return out;
  }
  // A folder (`.`, `app/`): what it holds in the build context.
  if (/[*?[]/.test(value)) return [];
  for (const lock of ALL_LOCKFILES) {
    if (ctx.fileExists(nodePath.posix.join(value, lock))) out.push({ file: lock, how: `\`${source}\`, which holds the ${lock} of the build context` });
  }
  return out;
}

/** Lockfiles brought in by one instruction: COPY/ADD sources and RUN `--mount=type=bind,source=...`. */
function lockfilesOf(ins: Instruction, ctx: RuleContext): Copied[] {
  const out: Copied[] = [];
  if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
    const from = ins.flags.some((f) => f.name.toLowerCase() === 'from');
    for (const s of copySources(ins) ?? []) for (const l of lockfilesIn(s.value, from, ctx)) out.push({ ...l, range: s.range });
  } else if (ins.keyword === 'RUN') {
    for (const f of ins.flags) {
      if (f.name.toLowerCase() !== 'mount' || !f.value) continue;
      const opts = new Map(f.value.split(',').map((kv) => { const i = kv.indexOf('='); return (i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)]) as [string, string]; }));
      if ((opts.get('type') ?? 'bind') !== 'bind') continue;
      const src = opts.get('source') ?? opts.get('src') ?? '.';
      for (const l of lockfilesIn(src, opts.has('from'), ctx)) out.push({ ...l, range: f.range, how: `the bind mount of ${l.how}` });
    }
  }
  return out;
}

/** Yarn 2+ (Berry) rejects `--frozen-lockfile` in some versions; its flag is `--immutable`. */
function isBerry(stage: Stage, ctx: RuleContext): boolean {
  if (ctx.fileExists('.yarnrc.yml')) return true;
  for (let s: Stage | undefined = stage; s; s = s.parent) {
    for (const ins of s.instructions) {
      if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && (copySources(ins) ?? []).some((w) => /(?:^|\/)\.yarn(?:rc\.yml)?\/?$/.test(w.value))) return true;
      if (ins.keyword === 'RUN' && /\byarn\s+set\s+version\s+(?!classic\b|1\.)|\bcorepack\s+(?:prepare|use|install)\b[^\n&;|]*\byarn@(?:[2-9]|stable|berry|canary)/.test(ins.argsText)) return true;
    }
  }
  return false;
}

/** `CI=true` makes pnpm and Yarn 2+ refuse to change the lockfile by default. */
function ciSet(stage: Stage): boolean {
  for (let s: Stage | undefined = stage; s; s = s.parent) {
    for (const ins of [s.from, ...s.instructions]) {
      if ((ins.keyword === 'ENV' || ins.keyword === 'ARG') && ins.properties.some((p) => p.name === 'CI' && /^(?:true|1)$/i.test(p.value ?? ''))) return true;
    }
  }
  return false;
}

/** The exec-form array element a word is (`RUN ["yarn", "install"]`), if the instruction is not `sh -c`. */
function isExecArgv(ins: Instruction, w: ShellWord, source: SourceText): boolean {
  const exec = ins.execForm;
  if (!exec || (SHELL_PROGRAMS.has(nodePath.posix.basename(exec[0]?.value ?? '')) && exec[1]?.value === '-c')) return false;
  return exec.some((e) => source.offsetAt(e.range.start) + 1 === w.start && source.offsetAt(e.range.end) - 1 === w.end);
}

/** A command as messages show it: its words, shortened past 60 characters. */
function shown(words: string[]): string {
  const text = words.join(' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The word's characters are exactly its text (no quotes or escapes): it can be edited in place. */
function exact(w: ShellWord, source: SourceText): boolean {
  return source.text.slice(w.start, w.end) === w.text;
}

function fixFor(inst: LockfileInstall, ins: Instruction, stage: Stage, source: SourceText, ctx: RuleContext, cmdWords: ShellWord[]): (() => Fix) | undefined {
  const written = shown(cmdWords.map((w) => w.text));
  if (inst.manager === 'npm') {
    const sub = inst.subcommand!;
    if (!exact(sub, source)) return undefined;
    const replaced = shown(cmdWords.map((w) => (w === sub ? 'ci' : w.text)));
    return () => ({
      title: `Use \`${replaced}\` instead of \`${written}\``,
      safety: 'unsafe',
      edits: [{ range: source.range(sub.start, sub.end), newText: 'ci' }],
    });
  }
  const after = inst.subcommand ?? inst.program;
  if (!exact(after, source)) return undefined;
  const flag = inst.manager === 'yarn' && isBerry(stage, ctx) ? '--immutable' : '--frozen-lockfile';
  const execArgv = isExecArgv(ins, after, source);
  const at = execArgv ? after.end + 1 : after.end;
  return () => ({
    title: `Add \`${flag}\` to \`${written}\``,
    safety: 'unsafe',
    edits: [{ range: source.range(at, at), newText: execArgv ? `, "${flag}"` : ` ${flag}` }],
  });
}

function checkStage(stage: Stage, model: DockerfileModel, ctx: RuleContext, inherited: Map<Stage, Copied[]>): void {
  const source = model.source;
  // The filesystem of the parent stage comes along with FROM.
  const parent = stage.parent;
  const copied: Copied[] = parent
    ? (inherited.get(parent) ?? []).map((c) => ({ ...c, how: c.how.includes(' in stage ') ? c.how : `${c.how} in stage ${parent.name ? `"${parent.name}"` : parent.index + 1}` }))
    : [];
  for (const ins of stage.instructions) {
    if (ins.keyword === 'RUN') {
      const mounted = lockfilesOf(ins, ctx);
      for (const cmd of commandsOf(ins, source)) {
        const inst = lockfileInstall(cmd);
        if (!inst || inst.optOut || inst.frozen) continue;
        if (inst.manager !== 'npm' && ciSet(stage)) continue;
        const lock = [...mounted, ...copied].find((c) => LOCKFILES[inst.manager].includes(c.file));
        if (!lock) continue;
        const last = cmd.words[cmd.words.length - 1];
        const cmdWords = cmd.words.slice(cmd.words.indexOf(inst.program));
        const written = shown(cmdWords.map((w) => w.text));
        const advice = inst.manager === 'npm'
          ? 'Use `npm ci`: it installs exactly the lockfile and fails when package.json and the lockfile disagree.'
          : `Add \`${inst.manager === 'yarn' ? '--frozen-lockfile` (Yarn 1) or `--immutable` (Yarn 2+)' : '--frozen-lockfile`'}, so the build installs exactly the lockfile and fails when it is out of date.`;
        ctx.report({
          range: source.range(inst.program.start, Math.max(last.end, inst.program.end)),
          message: `\`${written}\` runs with ${lock.file} in the build (from ${lock.how}) but does not hold to it: it may resolve other versions than the ones locked and tested, and rewrite the lockfile inside the image. ${advice}`,
          related: [{ message: `${lock.file} comes into the build here`, range: lock.range }],
          fix: fixFor(inst, ins, stage, source, ctx, cmdWords),
        });
      }
    } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      copied.push(...lockfilesOf(ins, ctx));
    }
  }
  inherited.set(stage, copied);
}

export default defineRule({
  id: 'install-ignores-lockfile',
  title: 'Dependencies installed without holding to the lockfile',
  category: 'dependencies',
  principle: 'dependencies',
  severity: 'warning',
  fix: 'unsafe',
  peers: {},
  docs: {
    why: 'A lockfile records the exact versions that were installed and tested. `npm install` treats it as a hint: when package.json allows newer versions (or the two disagree) it resolves again, installs what the registry serves that day and rewrites the lockfile inside the image, so two builds of the same commit can ship different dependencies. `npm ci`, `yarn install --frozen-lockfile` (`--immutable` in Yarn 2+) and `pnpm install --frozen-lockfile` install exactly the lockfile, and fail the build when it is out of date instead of silently drifting.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm install --omit=dev\nCOPY . .\nCMD ["node", "server.js"]' },
    good: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "server.js"]' },
    notes: 'Flags `npm install` (and its aliases such as `npm i`) without package names, `yarn`/`yarn install` without `--frozen-lockfile`/`--immutable` and `pnpm install` without `--frozen-lockfile`, in a RUN that comes after the matching lockfile (package-lock.json or npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml) entered the stage or one of its FROM-ancestors: by COPY/ADD of its name (also `COPY --from=<stage>`), by a wildcard or folder (`package*.json`, `COPY . .`) when the lockfile exists there in the build context next to the Dockerfile, or by a `RUN --mount=type=bind` of it. `package*.json` also counts when the build context is not next to the Dockerfile (no package.json there), since that pattern is the usual way to copy package.json with its lockfile; when package.json is there without a lockfile it does not. Not flagged: installs of named packages (`npm install express`: see `unpinned-package`), global installs, `--no-package-lock`, explicit opt-outs (`--no-frozen-lockfile`, `--no-immutable`, `YARN_ENABLE_IMMUTABLE_INSTALLS=false`), yarn and pnpm when the stage sets `CI=true` (they are frozen by default then), arguments from variables, and a lockfile copied only in another stage. CMD/ENTRYPOINT installs are `runtime-install`\'s. The quick fix is unsafe: it turns `npm install` into `npm ci` (other flags kept; `npm ci` accepts the install flags such as `--omit=dev`), or adds `--frozen-lockfile` (`--immutable` when the build shows Yarn 2+: a `.yarnrc.yml` in the context or copied, `yarn set version`, `corepack prepare yarn@4`). It changes what the build does: it fails when package.json and the lockfile disagree, and `npm ci` starts from an empty node_modules, which is what makes it reproducible.',
  },
  check: {
    dockerfile(model, ctx) {
      const inherited = new Map<Stage, Copied[]>();
      // Most Dockerfiles install nothing from a lockfile: look for candidates before asking about files.
      if (!model.stages.some((s) => s.instructions.some((i) => i.keyword === 'RUN' && /\b(?:npm|yarn|pnpm)\b/.test(i.argsText + i.heredocs.map((h) => h.content).join('\n'))))) return;
      for (const stage of model.stages) checkStage(stage, model, ctx, inherited);
    },
  },
});
