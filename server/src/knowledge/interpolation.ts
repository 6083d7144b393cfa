/**
 * Variable and template syntax whose value is decided at deploy time. A value containing any of these
 * is never treated as a literal: `${VAR}`, `$VAR` (Compose, Dockerfile), `$(VAR)` (Kubernetes),
 * and Helm/Go templates, which the Helm reader masks with TEMPLATE_MARK.
 */
export const TEMPLATE_MARK = '\uE000';

/** `$NAME`, `$(NAME)`, `{{` and template marks: the forms that need no closing brace far away. */
const DYNAMIC_OPENING = /\$[A-Za-z_]|\$\([A-Za-z_][A-Za-z0-9_]*\)|\{\{|\uE000/;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const isOperator = (c: string | undefined) => c === '-' || c === '+' || c === '?';

export function isDynamicText(text: string): boolean {
  if (DYNAMIC_OPENING.test(text)) return true;
  // `${...}`: some `${` with a `}` after it (searched once, not from every `${`).
  const open = text.indexOf('${');
  return open >= 0 && text.lastIndexOf('}') >= open + 2;
}

/**
 * The first `close` at or after `from`, for calls with growing `from`: one pass over the text in all,
 * where `indexOf` from each of many unclosed openers would read the rest of the text again each time.
 */
export function closingFinder(text: string, close: string): (from: number) => number {
  let found = -1;
  return (from) => {
    if (found === Infinity) return -1;
    if (found < from) { found = text.indexOf(close, from); if (found < 0) { found = Infinity; return -1; } }
    return found;
  };
}

/**
 * Substitutes `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR:+alternative}` and `$VAR`
 * from `vars`; with `dollarEscape` (Compose) `$$` is a literal `$`. Returns undefined if any stays unknown.
 */
export function substitute(text: string, vars: ReadonlyMap<string, string | undefined>, dollarEscape = false): string | undefined {
  let unknown = false;
  let out = '';
  let copied = 0;
  const closeBrace = closingFinder(text, '}');
  for (let i = text.indexOf('$'); i >= 0; i = text.indexOf('$', i + 1)) {
    // `$$` is Compose's escape for a literal `$` (a Dockerfile has none).
    if (dollarEscape && text[i + 1] === '$') { i++; continue; }
    const braced = text[i + 1] === '{';
    NAME.lastIndex = braced ? i + 2 : i + 1;
    const name = NAME.exec(text)?.[0];
    if (!name) continue;
    let end = NAME.lastIndex;
    let op = '';
    let word = '';
    if (braced) {
      const opLength = text[end] === ':' && isOperator(text[end + 1]) ? 2 : isOperator(text[end]) ? 1 : 0;
      const close = opLength ? closeBrace(end + opLength) : text[end] === '}' ? end : -1;
      if (close < 0) continue;
      op = text.slice(end, end + opLength);
      word = text.slice(end + opLength, close);
      end = close + 1;
    }
    const v = vars.get(name);
    let replacement: string;
    if (op === ':-' || op === '-') replacement = v !== undefined && (op === '-' || v !== '') ? v : word;
    else if (op === ':+' || op === '+') { if (v === undefined && !vars.has(name)) unknown = true; replacement = v !== undefined && (op === '+' || v !== '') ? word : ''; }
    else if (v === undefined) { unknown = true; replacement = ''; } else replacement = v;
    out += text.slice(copied, i) + replacement;
    copied = end;
    i = end - 1;
  }
  return unknown ? undefined : out + text.slice(copied);
}

const VARIABLE_IN_PARENS = /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/y;

/**
 * `text` with `${...}`, `$(NAME)`, `{{...}}` and template marks replaced by spaces, offsets unchanged:
 * what a literal scan must not judge (a default inside `${VAR:-...}` is only a fallback).
 */
export function blankDynamicParts(text: string): string {
  const closeBrace = closingFinder(text, '}');
  const closeTemplate = closingFinder(text, '}}');
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    let end = -1;
    if (c === '$' && text[i + 1] === '{') { const close = closeBrace(i + 2); if (close >= 0) end = close + 1; }
    if (end < 0 && c === '$' && text[i + 1] === '(') { VARIABLE_IN_PARENS.lastIndex = i; if (VARIABLE_IN_PARENS.test(text)) end = VARIABLE_IN_PARENS.lastIndex; }
    if (end < 0 && c === '{' && text[i + 1] === '{') { const close = closeTemplate(i + 2); if (close >= 0) end = close + 2; }
    if (end < 0 && c === TEMPLATE_MARK) { end = i + 1; while (text[end] === TEMPLATE_MARK) end++; }
    if (end < 0) continue;
    out += text.slice(copied, i) + ' '.repeat(end - i);
    copied = end;
    i = end - 1;
  }
  return copied ? out + text.slice(copied) : text;
}
