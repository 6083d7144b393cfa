/**
 * Unified diff for `seaworthy fix --dry-run`. Fix changes are small and local: the common prefix and
 * suffix are trimmed and only the middle is diffed (LCS), falling back to a whole-block replacement
 * when the middle is too large for a quadratic table.
 */
type Op = { t: ' ' | '-' | '+'; line: string };

function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === '') return { lines: [], finalNewline: true };
  const finalNewline = text.endsWith('\n');
  const lines = (finalNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, finalNewline };
}

function diffLines(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const middle: Op[] = [];
  if (am.length * bm.length > 4_000_000) {
    // Loops, not push(...spread): a spread of 100k+ elements overflows the call stack (RangeError).
    for (const line of am) middle.push({ t: '-', line });
    for (const line of bm) middle.push({ t: '+', line });
  } else {
    // lcs[i][j] = length of the LCS of am[i..] and bm[j..]
    const lcs = Array.from({ length: am.length + 1 }, () => new Uint32Array(bm.length + 1));
    for (let i = am.length - 1; i >= 0; i--) for (let j = bm.length - 1; j >= 0; j--) lcs[i][j] = am[i] === bm[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0, j = 0;
    while (i < am.length || j < bm.length) {
      if (i < am.length && j < bm.length && am[i] === bm[j]) { middle.push({ t: ' ', line: am[i] }); i++; j++; }
      // Deletions before insertions when both keep the LCS, as diff and git print them.
      else if (i < am.length && (j === bm.length || lcs[i + 1][j] >= lcs[i][j + 1])) middle.push({ t: '-', line: am[i++] });
      else middle.push({ t: '+', line: bm[j++] });
    }
  }
  const ops: Op[] = a.slice(0, pre).map((line) => ({ t: ' ', line }));
  for (const o of middle) ops.push(o);
  for (const line of a.slice(a.length - suf)) ops.push({ t: ' ', line });
  return ops;
}

/**
 * `--- a` / `+++ b` and `@@` hunks with `context` lines around each change; '' when the texts are equal.
 * `shown` gives the texts as printed (secrets masked, line for line the same as `before`/`after`): lines
 * are compared as they are and printed as shown.
 */
export function unifiedDiff(aName: string, bName: string, before: string, after: string, context = 3, shown?: { before: string; after: string }): string {
  if (before === after) return '';
  const A = splitLines(before), B = splitLines(after);
  const ops = diffLines(A.lines, B.lines);
  const showA = shown ? splitLines(shown.before).lines : A.lines, showB = shown ? splitLines(shown.after).lines : B.lines;
  // The last line's missing newline is a change of its own, shown with git's marker.
  const lastA = A.lines.length - 1, lastB = B.lines.length - 1;
  const out = [`--- ${aName}`, `+++ ${bName}`];
  let ai = 0, bi = 0;
  const pos: { a: number; b: number }[] = ops.map((o) => { const p = { a: ai, b: bi }; if (o.t !== '+') ai++; if (o.t !== '-') bi++; return p; });
  const changed = ops.map((o, k) => o.t !== ' ' || (pos[k].a === lastA && !A.finalNewline) !== (pos[k].b === lastB && !B.finalNewline));
  let k = 0;
  while (k < ops.length) {
    if (!changed[k]) { k++; continue; }
    const start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length) {
      let next = end + 1;
      while (next < ops.length && !changed[next]) next++;
      if (next < ops.length && next - end - 1 <= 2 * context) { end = next; continue; }
      break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    const body: string[] = [];
    let na = 0, nb = 0;
    for (let x = start; x < stop; x++) {
      const p = pos[x];
      const o = { t: ops[x].t, line: ops[x].t === '+' ? showB[p.b] : ops[x].t === '-' || showA[p.a] !== ops[x].line ? showA[p.a] : showB[p.b] };
      const isLastA = o.t !== '+' && p.a === lastA && !A.finalNewline;
      const isLastB = o.t !== '-' && p.b === lastB && !B.finalNewline;
      if (o.t === ' ' && changed[x]) {
        body.push(`-${o.line}`, ...(isLastA ? ['\\ No newline at end of file'] : []), `+${o.line}`, ...(isLastB ? ['\\ No newline at end of file'] : []));
        na++; nb++;
        continue;
      }
      body.push(`${o.t}${o.line}`);
      if ((o.t === '-' && isLastA) || (o.t === '+' && isLastB) || (o.t === ' ' && (isLastA || isLastB))) body.push('\\ No newline at end of file');
      if (o.t !== '+') na++;
      if (o.t !== '-') nb++;
    }
    const sa = na ? pos[start].a + 1 : pos[start].a, sb = nb ? pos[start].b + 1 : pos[start].b;
    out.push(`@@ -${sa},${na} +${sb},${nb} @@`);
    for (const l of body) out.push(l);
    k = stop;
  }
  return out.join('\n') + '\n';
}
