/** Zero-based positions and ranges, identical in shape to LSP's so they cross the wire unchanged. */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

/** Maps UTF-16 offsets of one text to line/character positions (binary search over line starts). */
export class SourceText {
  private readonly lineStarts: number[];
  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    this.lineStarts = starts;
  }
  get lineCount(): number { return this.lineStarts.length; }
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0, hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo] };
  }
  offsetAt(pos: Position): number {
    if (pos.line >= this.lineStarts.length) return this.text.length;
    if (pos.line < 0) return 0;
    return Math.min(this.lineStarts[pos.line] + pos.character, this.lineEnd(pos.line));
  }
  range(start: number, end: number): Range { return { start: this.positionAt(start), end: this.positionAt(end) }; }
  lineStart(line: number): number { return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))]; }
  /** Offset just before the line's terminator. */
  lineEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    let e = next;
    if (e > this.lineStarts[line] && this.text.charCodeAt(e - 1) === 10) e--;
    if (e > this.lineStarts[line] && this.text.charCodeAt(e - 1) === 13) e--;
    return e;
  }
  lineText(line: number): string { return this.text.slice(this.lineStart(line), this.lineEnd(line)); }
  slice(r: Range): string { return this.text.slice(this.offsetAt(r.start), this.offsetAt(r.end)); }
}

export function rangeContains(outer: Range, inner: Range): boolean {
  return comparePos(outer.start, inner.start) <= 0 && comparePos(inner.end, outer.end) <= 0;
}
export function comparePos(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}
export function lineRange(line: number): Range { return { start: { line, character: 0 }, end: { line, character: 0 } }; }
