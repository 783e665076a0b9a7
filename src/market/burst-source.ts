/**
 * A market source with a quote storm: inside one window, counted from its first poll, every tick
 * of the wrapped source is followed by `factor - 1` repeats of it, due at once (a venue re-sending
 * its top of book, as feeds do under stress), so R ticks/s become R x factor. Repeats are copied,
 * not generated, so the storm can be far over what the stages downstream take, whatever the cost
 * of the wrapped source. For backpressure tests and drills; never configured in a live run.
 */
import { type Tick, TickCodec } from '../shm/records.js';
import type { MarketSource } from './market-source.js';

export interface TickBurst {
  /** Seconds after the first poll when the burst starts. */
  readonly startS: number;
  readonly durationS: number;
  /** Rate multiplier during the burst (>= 1). */
  readonly factor: number;
}

export class BurstSource implements MarketSource {
  private startNs = Number.NaN;
  private readonly fromNs: number;
  private readonly toNs: number;
  private readonly last: Tick = TickCodec.create();
  private repeatsLeft = 0;

  constructor(
    private readonly inner: MarketSource,
    private readonly burst: TickBurst,
  ) {
    if (!(burst.factor >= 1) || !(burst.startS >= 0) || !(burst.durationS >= 0))
      throw new RangeError(`tick burst: factor >= 1, start and duration >= 0, got ${JSON.stringify(burst)}`);
    this.fromNs = burst.startS * 1e9;
    this.toNs = (burst.startS + burst.durationS) * 1e9;
  }

  poll(nowNs: number, out: Tick): boolean {
    if (Number.isNaN(this.startNs)) this.startNs = nowNs;
    if (this.repeatsLeft > 0) {
      this.repeatsLeft--;
      TickCodec.copy(this.last, out);
      return true;
    }
    if (!this.inner.poll(nowNs, out)) return false;
    const t = nowNs - this.startNs;
    if (t >= this.fromNs && t < this.toNs) {
      TickCodec.copy(out, this.last);
      this.repeatsLeft = this.burst.factor - 1;
    }
    return true;
  }

  nextDueNs(): number {
    return this.repeatsLeft > 0 ? 0 : this.inner.nextDueNs();
  }
}
