/** Seeded PRNG (mulberry32) with normal and log-normal draws; deterministic and allocation-free. */
export class Random {
  /**
   * The 32-bit state lives in a typed array: as an object field, values outside V8's 31-bit small
   * integers would be boxed as a new heap number on every draw.
   */
  private readonly state = new Int32Array(1);
  private readonly spareCell = new Float64Array(1);
  private hasSpare = false;

  constructor(seed: number) {
    this.state[0] = seed >>> 0 || 0x9e3779b9;
  }

  /** Restarts the sequence from `seed` (as a new generator would). */
  reseed(seed: number): void {
    this.state[0] = seed >>> 0 || 0x9e3779b9;
    this.hasSpare = false;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state[0] = (this.state[0] + 0x6d2b79f5) | 0;
    let t = this.state[0];
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, keeping the second draw). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareCell[0];
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareCell[0] = r * Math.sin(2 * Math.PI * v);
    this.hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Log-normal whose median is `median` and log-space sigma is `sigma`. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}
