/**
 * Venue reject rate over one-second windows. Trips when a window has at least `minReports`
 * answers and more than `tripRatio` of them are rejects; after tripping it asks for a reset once
 * `coolDownNs` has passed and the last full window stayed under `resetRatio`.
 */
export class RejectRateMonitor {
  /** [window start, answers, rejects, tripped at (NaN when not tripped), last full window ratio] */
  private readonly s = new Float64Array(5);

  constructor(
    private readonly tripRatio = 0.5,
    private readonly minReports = 20,
    private readonly coolDownNs = 10e9,
    private readonly resetRatio = 0.1,
    private readonly windowNs = 1e9,
  ) {
    this.s[3] = Number.NaN;
  }

  /** Records one venue answer (ack or reject); returns 1 to trip, -1 to reset, 0 otherwise. */
  onAnswer(rejected: boolean, nowNs: number): number {
    const s = this.s;
    if (nowNs - s[0] >= this.windowNs) {
      s[4] = s[1] > 0 ? s[2] / s[1] : 0;
      s[0] = nowNs;
      s[1] = 0;
      s[2] = 0;
    }
    s[1]++;
    if (rejected) s[2]++;
    if (Number.isNaN(s[3])) {
      if (s[1] >= this.minReports && s[2] / s[1] > this.tripRatio) {
        s[3] = nowNs;
        return 1;
      }
      return 0;
    }
    if (nowNs - s[3] >= this.coolDownNs && s[4] < this.resetRatio && s[2] / s[1] < this.resetRatio) {
      s[3] = Number.NaN;
      return -1;
    }
    return 0;
  }
}
