/** Rate limiter: `ratePerSec` tokens a second, bursts up to one second's worth. */
export class TokenBucket {
  private readonly state = new Float64Array(2); // [tokens, last refill ns]: typed, so no boxing

  constructor(private readonly ratePerSec: number) {
    this.state[0] = ratePerSec;
    this.state[1] = Number.NaN;
  }

  tryTake(nowNs: number): boolean {
    const s = this.state;
    if (Number.isNaN(s[1])) s[1] = nowNs;
    s[0] = Math.min(this.ratePerSec, s[0] + ((nowNs - s[1]) / 1e9) * this.ratePerSec);
    s[1] = nowNs;
    if (s[0] < 1) return false;
    s[0] -= 1;
    return true;
  }
}
