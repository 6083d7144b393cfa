import { checkpoint } from '../engine/budget';
/**
 * A small POSIX-shell word splitter with exact offsets, enough to reason about commands in RUN,
 * CMD/ENTRYPOINT, Compose `command:` and Kubernetes `command`/`args`. It is not a shell: it splits
 * words and command boundaries (`&&`, `||`, `;`, `|`, `&`, newlines), removes quotes from word
 * values, keeps `$(...)`/backticks inside words, treats `<escape><newline>` as a continuation and
 * `#` at a word start as a comment to the end of the line.
 */
export interface ShellWord {
  /** Value with quotes and escapes removed. */
  text: string;
  /** Offsets in the document. */
  start: number;
  end: number;
  /** Any part of the word was quoted. */
  quoted: boolean;
}

export type ShellOperator = '&&' | '||' | ';' | '|' | '&' | '\n' | '(' | ')';

export interface ShellRedirect { op: string; target?: ShellWord; start: number }

export interface ShellCommand {
  words: ShellWord[];
  redirects: ShellRedirect[];
  start: number;
  end: number;
  /** Operator that ended this command (undefined at the end of the script). */
  terminator?: ShellOperator;
  /** This command reads the previous command's output through a pipe. */
  piped: boolean;
}

/** Programs that run a script given with `-c` (the one list every reader of `sh -c "..."` uses). */
export const SHELL_PROGRAMS: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'busybox']);

const PREFIX_COMMANDS = new Set(['sudo', 'env', 'exec', 'nohup', 'time', 'command', 'nice', 'ionice', 'stdbuf', 'tini', 'dumb-init', 'gosu', 'su-exec', 'chroot']);

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** The command's program word (skipping `VAR=x` assignments and wrappers such as `sudo`, `exec`, `gosu user`). */
export function programOf(cmd: ShellCommand): { name: string; index: number } | undefined {
  let i = 0;
  const w = cmd.words;
  while (i < w.length) {
    const t = w[i].text;
    // (programOf runs for every command in most rules: test the cheap conditions first, slice instead of split.)
    if (!w[i].quoted && t.includes('=') && ASSIGNMENT.test(t)) { i++; continue; }
    const base = t.slice(t.lastIndexOf('/') + 1);
    if (PREFIX_COMMANDS.has(base)) {
      i++;
      // options of the wrapper (sudo -u x, env -i, nice -n 10, gosu user)
      while (i < w.length && w[i].text.startsWith('-')) { i += /^-(u|g|n|c)$/.test(w[i].text) ? 2 : 1; }
      if ((base === 'gosu' || base === 'su-exec') && i < w.length) i++;
      if (base === 'tini' || base === 'dumb-init') { while (i < w.length && (w[i].text === '--' || w[i].text.startsWith('-'))) i++; }
      continue;
    }
    return { name: base, index: i };
  }
  return undefined;
}

const REDIRECT = /^(\d*(?:>>|>\||>&|<<-|<<<|<<|<>|<&|>|<)|&>>|&>)/;
/** Characters the word loop below treats specially (besides the escape character). */
const SPECIAL = new Set([' ', '\t', '\n', '\r', ';', '|', '&', '(', ')', '<', '>', '\'', '"', '`', '\\']);

export function parseShell(text: string, baseOffset = 0, escapeChar = '\\'): ShellCommand[] {
  checkpoint();
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let redirects: ShellRedirect[] = [];
  let cmdStart = -1;
  let piped = false;
  let pendingRedirect: ShellRedirect | undefined;
  let i = 0;
  const n = text.length;

  const pushWord = (w: ShellWord) => {
    if (cmdStart < 0) cmdStart = w.start;
    if (pendingRedirect) { pendingRedirect.target = w; pendingRedirect = undefined; return; }
    words.push(w);
  };
  const endCommand = (op: ShellOperator | undefined, at: number) => {
    if (words.length || redirects.length) {
      commands.push({ words, redirects, start: cmdStart, end: at, terminator: op, piped });
    }
    piped = op === '|';
    words = []; redirects = []; cmdStart = -1; pendingRedirect = undefined;
  };

  while (i < n) {
    const c = text[i];
    if (c === escapeChar && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\r' ? 3 : 2;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '\n') { endCommand('\n', baseOffset + i); i++; continue; }
    if (c === '#') { while (i < n && text[i] !== '\n') i++; continue; }
    if (c === '&' && text[i + 1] === '&') { endCommand('&&', baseOffset + i); i += 2; continue; }
    if (c === '|' && text[i + 1] === '|') { endCommand('||', baseOffset + i); i += 2; continue; }
    if (c === ';') { endCommand(';', baseOffset + i); i += text[i + 1] === ';' ? 2 : 1; continue; }
    if (c === '|') { endCommand('|', baseOffset + i); i++; continue; }
    if (c === '(' || c === ')') { endCommand(c, baseOffset + i); i++; continue; }
    if (c === '&' && text[i + 1] !== '>') { endCommand('&', baseOffset + i); i++; continue; }
    // (A redirection starts with a digit, <, > or &: skip the regex for every other word.)
    const redirect = (c === '<' || c === '>' || c === '&' || (c >= '0' && c <= '9')) ? REDIRECT.exec(text.slice(i, i + 4)) : null;
    if (redirect && !(c >= '0' && c <= '9' && !/^\d+[<>]/.test(text.slice(i, i + 4)))) {
      if (cmdStart < 0) cmdStart = baseOffset + i;
      const r: ShellRedirect = { op: redirect[1].replace(/^\d+/, ''), start: baseOffset + i };
      redirects.push(r);
      pendingRedirect = r;
      i += redirect[1].length;
      // `2>&1`, `>&2`: the target is a file descriptor written right after the operator
      if (r.op.endsWith('&')) {
        const fd = /^[0-9-]+/.exec(text.slice(i));
        if (fd) { r.target = { text: fd[0], start: baseOffset + i, end: baseOffset + i + fd[0].length, quoted: false }; pendingRedirect = undefined; i += fd[0].length; }
      }
      continue;
    }
    // a word
    const start = i;
    let value = '';
    let quoted = false;
    while (i < n) {
      const ch = text[i];
      if (ch === escapeChar && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) { i += text[i + 1] === '\r' ? 3 : 2; continue; }
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === ';' || ch === '|' || ch === '&' || ch === '(' || ch === ')' || ch === '<' || ch === '>') {
        if ((ch === '<' || ch === '>') && value === '' && i === start) break;
        if (ch === '(' && value.endsWith('$')) { const j = skipBalanced(text, i, '(', ')'); value += text.slice(i, j); i = j; continue; }
        break;
      }
      if (ch === '\'') { quoted = true; const j = text.indexOf('\'', i + 1); const e = j < 0 ? n : j; value += text.slice(i + 1, e); i = e + 1; continue; }
      if (ch === '"') {
        quoted = true; i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < n && '"\\$`\n'.includes(text[i + 1])) { if (text[i + 1] !== '\n') value += text[i + 1]; i += 2; continue; }
          if (text[i] === '$' && text[i + 1] === '(') { const j = skipBalanced(text, i + 1, '(', ')'); value += text.slice(i, j); i = j; continue; }
          value += text[i]; i++;
        }
        i++;
        continue;
      }
      if (ch === '`') { const j = text.indexOf('`', i + 1); const e = j < 0 ? n : j + 1; value += text.slice(i, e); i = e; continue; }
      if (ch === '\\' && i + 1 < n) { value += text[i + 1]; i += 2; continue; }
      // A run of characters with no meaning to the splitter is copied at once.
      let j = i + 1;
      while (j < n && text[j] !== escapeChar && !SPECIAL.has(text[j])) j++;
      value += text.slice(i, j); i = j;
    }
    if (i === start) { i++; continue; }
    pushWord({ text: value, start: baseOffset + start, end: baseOffset + Math.min(i, n), quoted });
  }
  endCommand(undefined, baseOffset + n);
  return commands;
}

function skipBalanced(text: string, i: number, open: string, close: string): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    if (text[j] === open) depth++;
    else if (text[j] === close && --depth === 0) return j + 1;
  }
  return text.length;
}

/** Words of a command after its program word, i.e. its arguments. */
export function argsOf(cmd: ShellCommand): ShellWord[] {
  const p = programOf(cmd);
  return p ? cmd.words.slice(p.index + 1) : [];
}

/**
 * Variables a command sees from its own RUN: `VAR=x cmd` before it, `export VAR=x` and bare `VAR=x`
 * commands earlier in the same script (`RUN export PIP_NO_CACHE_DIR=1 && pip install ...`).
 */
export function variablesSetFor(commands: readonly ShellCommand[], index: number): Set<string> {
  const names = new Set<string>();
  const take = (w: ShellWord) => { if (!w.quoted && ASSIGNMENT.test(w.text)) names.add(w.text.slice(0, w.text.indexOf('='))); };
  for (let i = 0; i <= index && i < commands.length; i++) {
    const words = commands[i].words;
    let k = 0;
    while (k < words.length && !words[k].quoted && ASSIGNMENT.test(words[k].text)) take(words[k++]);
    if (i < index && words[k]?.text === 'export') for (const w of words.slice(k + 1)) take(w);
  }
  return names;
}
