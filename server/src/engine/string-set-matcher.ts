/**
 * Finds every occurrence of any of many strings in a text in one pass (Aho-Corasick): the cost is the
 * text's length plus the matches, however many strings there are. A file with thousands of secrets and
 * thousands of findings would otherwise search each message once per secret.
 */
export class StringSetMatcher {
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  /** The string (its index) that ends at this state, or -1. */
  private readonly word: number[] = [-1];
  /** The nearest state down the fail chain that ends a string (0: none). */
  private readonly dict: number[] = [0];
  private readonly lengths: number[];

  constructor(strings: readonly string[]) {
    this.lengths = strings.map((s) => s.length);
    strings.forEach((s, index) => {
      if (!s) return;
      let state = 0;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        let to = this.next[state].get(c);
        if (to === undefined) {
          to = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.word.push(-1);
          this.dict.push(0);
          this.next[state].set(c, to);
        }
        state = to;
      }
      this.word[state] = index;
    });
    // Breadth first: a state's fail link is the longest proper suffix of its path that is also a path.
    const queue = [...this.next[0].values()];
    for (let q = 0; q < queue.length; q++) {
      const state = queue[q];
      for (const [c, to] of this.next[state]) {
        let f = this.fail[state];
        while (f && !this.next[f].has(c)) f = this.fail[f];
        const g = this.next[f].get(c);
        this.fail[to] = g !== undefined && g !== to ? g : 0;
        this.dict[to] = this.word[this.fail[to]] >= 0 ? this.fail[to] : this.dict[this.fail[to]];
        queue.push(to);
      }
    }
  }

  /** Every occurrence: the string's index and where it starts in the text. */
  matches(text: string): { index: number; start: number }[] {
    const out: { index: number; start: number }[] = [];
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      while (state && !this.next[state].has(c)) state = this.fail[state];
      state = this.next[state].get(c) ?? 0;
      for (let s = this.word[state] >= 0 ? state : this.dict[state]; s; s = this.dict[s]) {
        out.push({ index: this.word[s], start: i + 1 - this.lengths[this.word[s]] });
      }
    }
    return out;
  }
}
