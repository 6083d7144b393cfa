/**
 * Parser failures in words a user understands. Parsers recurse once per nesting level, so a file
 * nested hundreds of levels deep (`[[[[…` or ever deeper indentation) exhausts the stack, and the
 * engine's message would be "Maximum call stack size exceeded".
 */

export function isStackOverflow(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /maximum call stack size exceeded|too much recursion/i.test(m);
}

/** How deeply YAML is nested at `end` (or, without `end`, at its deepest): indentation levels plus open flow brackets. */
export function yamlNestingDepth(text: string, end = text.length): number {
  const indents: number[] = [];
  let flow = 0, deepest = 0;
  let i = 0;
  while (i < end) {
    let col = 0;
    while (i < end && text[i] === ' ') { i++; col++; }
    // `- - x`: each dash opens a sequence level of its own.
    while (i + 1 < end && text[i] === '-' && text[i + 1] === ' ') { i += 2; col += 2; pushIndent(indents, col - 1); }
    const blank = i >= end || text[i] === '\n' || text[i] === '\r' || text[i] === '#';
    if (!blank && flow === 0) pushIndent(indents, col);
    let quote = '';
    for (; i < end && text[i] !== '\n'; i++) {
      const c = text[i];
      if (quote) { if (c === quote) quote = ''; continue; }
      if (c === '"' || c === '\'') quote = c;
      else if (c === '#' && (i === 0 || text[i - 1] === ' ')) { while (i < end && text[i] !== '\n') i++; break; }
      else if (c === '[' || c === '{') deepest = Math.max(deepest, indents.length + ++flow);
      else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    deepest = Math.max(deepest, indents.length + flow);
    i++;
  }
  return end === text.length ? deepest : indents.length + flow;
}

function pushIndent(indents: number[], col: number): void {
  while (indents.length && indents[indents.length - 1] >= col) indents.pop();
  indents.push(col);
}

/**
 * The problem message for YAML nested beyond what is read (parse/yaml-depth cuts it; a stack overflow
 * elsewhere is worded the same), at `offset` if known.
 */
export function deepYamlMessage(text: string, offset?: number): string {
  const depth = yamlNestingDepth(text, offset);
  return `YAML nested too deeply to read: ${depth} levels${offset === undefined ? ' deep' : ' deep here'}. The value nested there was not read (no Compose file or manifest nests anywhere near this deep).`;
}

/** A parser's exception as the reason a file could not be read. */
export function parserFailure(e: unknown): string {
  if (isStackOverflow(e)) return 'it is nested too deeply (the parser ran out of stack)';
  return e instanceof Error ? e.message : String(e);
}
