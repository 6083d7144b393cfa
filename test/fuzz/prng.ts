/**
 * A small seeded PRNG for the fuzzer. Every case draws from its own generator, derived from
 * (campaign seed, case index) alone, so a case is reproducible without replaying the ones before it.
 */
export class Rng {
  private state: number;
  constructor(seed: number) { this.state = seed >>> 0; }

  /** The generator of one case: the same (seed, index) always gives the same stream. */
  static forCase(seed: number, index: number, stream = 0): Rng {
    return new Rng(mix(mix(mix(seed >>> 0) ^ (index >>> 0)) ^ Math.floor(index / 2 ** 32) ^ mix(stream + 0x9e3779b9)));
  }

  /** mulberry32: a uniform 32-bit output per call. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }
  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]; }

  /** One item, chosen with probability proportional to its weight. */
  weighted<T>(items: readonly { weight: number; value: T }[]): T {
    let r = this.next() * items.reduce((s, i) => s + i.weight, 0);
    for (const i of items) { r -= i.weight; if (r < 0) return i.value; }
    return items[items.length - 1].value;
  }

  /** Sizes spread over orders of magnitude: mostly small, sometimes large (up to `max`). */
  size(max: number): number {
    return Math.min(max, Math.floor(Math.exp(this.next() * Math.log(max + 1))));
  }
}

/** A 32-bit integer hash (from splitmix32): nearby seeds give unrelated streams. */
function mix(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
