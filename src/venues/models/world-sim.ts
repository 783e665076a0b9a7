/**
 * The venue world as a continuous-time Markov process, simulated event by event (Gillespie):
 * every change has a rate that is constant between events, so the next event time is exponential
 * in the total rate and the event is drawn in proportion to its rate. Memoryless clocks mean the
 * present state is all the future depends on: the state oracle can run the same simulator
 * forward from a copy of the true state and get the world's own odds.
 *
 *   efficient price  one-tick moves (geometric multi-tick moves while volatile) at a rate that rises
 *                    `volatileJumpX`-fold in volatile bursts; a burst trends (`trendPersistence`)
 *   our alpha        each of our orders (`OurOrders`) adds one-tick moves its way, `orderAlphaBps`
 *                    in all on average; each pending move comes at rate 1/orderAlphaTau, so the
 *                    expected drift over h is side x alpha x (1 - exp(-h / tau))
 *   requote          a venue whose quote no longer matches the efficient price moves it at rate
 *                    1/requoteMean (the leader within ~50 us, the lagging venues within lag_ms)
 *   race             a touch the price has moved past (cheaper than the venue would quote now) is
 *                    taken whole by competing takers at rate 1/raceMean; the level behind shows
 *   consume          other takers hit each side, each taking up to consumeMaxFrac of the touch
 *   refresh          the displayed size is redrawn (quote traffic without a price change)
 *   sweep            after a move, takers chasing it hit every venue's touch on its side
 *                    (rate sweepPerSec) until the chase ends (mean sweepMeanNs)
 *   order path       per venue: congestion regime (entered faster while volatile), spike bursts,
 *                    outages (the venue's book and feed freeze; orders time out)
 */
import type { Random } from '../../core/random.js';
import type { WorldParams } from './world-params.js';
import { behindOdds, fairAsk, fairBid, freshAsk, freshBid, type WorldState } from './world-state.js';

export const WorldEvent = {
  jump: 0,
  volatility: 1,
  requote: 2,
  raceAsk: 3,
  raceBid: 4,
  consumeAsk: 5,
  consumeBid: 6,
  refresh: 7,
  congestion: 8,
  burst: 9,
  outage: 10,
  sweep: 11,
  sweepEnd: 12,
} as const;
/** Market-wide events (price move, volatility switch, a move from our alpha) come before the venues'. */
const MARKET_EVENTS = 3;
const VENUE_EVENTS = 11;

/** Told of every change as it happens (the tape records them). */
export interface WorldObserver {
  onBook(s: WorldState, venueId: number): void;
  /** A change of the price state; `moveTicks` is a move by everyone else (0 for anything else). */
  onPrice(s: WorldState, moveTicks: number): void;
  onPath(s: WorldState, venueId: number): void;
}

/**
 * Our own orders, told to the world as they leave: each brings the drift of its alpha. They may
 * react to the moves of everyone else (never to the drift of our own alpha).
 */
export interface OurOrders {
  /** When our next order leaves, ns (+Infinity when none is due). */
  nextNs(): number;
  /** Takes that order; returns the side of the alpha it carries (+1 buy, -1 sell, 0 none). */
  take(): number;
  /** A move of the efficient price by everyone else, at `tNs`. */
  onMove(tNs: number, moveTicks: number): void;
}

export class WorldSim {
  private readonly rates: Float64Array;
  private readonly n: number;
  private readonly congestEnter: Float64Array;
  private readonly congestExit: Float64Array;
  private readonly burstEnter: Float64Array;
  private readonly burstExit: Float64Array;
  private readonly outageEnter: Float64Array;
  private readonly outageExit: Float64Array;
  private readonly volatileX: Float64Array;
  private readonly outageVolatileX: Float64Array;
  /** Expected one-tick moves from the alpha of one of our orders. */
  private readonly alphaTicks: number;

  constructor(readonly p: WorldParams) {
    this.n = p.venues.length;
    this.rates = new Float64Array(MARKET_EVENTS + this.n * VENUE_EVENTS);
    this.alphaTicks = (p.orderAlphaBps * 1e-4 * p.startPx) / p.tickPx;
    const per = (f: (v: WorldParams['venues'][number]) => number) => Float64Array.from(p.venues, f);
    this.congestEnter = per((v) => v.latency.regimes?.enter_per_s ?? 0);
    this.congestExit = per((v) => v.latency.regimes?.exit_per_s ?? 1);
    this.volatileX = per((v) => v.latency.regimes?.volatile_x ?? 1);
    this.burstEnter = per((v) => (v.latency.bursts?.per_min ?? 0) / 60);
    this.burstExit = per((v) => 1e3 / (v.latency.bursts?.mean_ms ?? 1000));
    this.outageEnter = per((v) => (v.latency.outage?.per_hour ?? 0) / 3600);
    this.outageVolatileX = per((v) => v.latency.outage?.volatile_x ?? 1);
    this.outageExit = per((v) => 1e3 / (v.latency.outage?.mean_ms ?? 1000));
  }

  /**
   * The state at time 0: efficient price at `startPx`, every venue up and quoting it, the market
   * volatile with its long-run odds (an episode is a slice of a session, not its start).
   */
  initialise(s: WorldState, rng: Random): void {
    const p = this.p;
    s.tNs = 0;
    // Half a tick off the grid: a one-tick spread straddles the efficient price.
    s.effTicks = Math.round(p.startPx / p.tickPx) + 0.5;
    s.volatile = rng.next() < p.volatileEnterPerSec / (p.volatileEnterPerSec + p.volatileExitPerSec) ? 1 : 0;
    s.trendDir = rng.next() < 0.5 ? 1 : -1;
    s.alphaUp = 0;
    s.alphaDown = 0;
    for (let v = 0; v < this.n; v++) {
      s.congested[v] = 0;
      s.burst[v] = 0;
      s.down[v] = 0;
      this.requote(s, v, rng);
    }
  }

  /**
   * Runs the world from `s.tNs` to `untilNs` (the state then holds the world at `untilNs`), with
   * `orders` leaving when they are due. An order that brings alpha changes the rates: the wait
   * for the next event is drawn afresh from its time (the clocks are memoryless, so that changes
   * no odds). Orders without alpha leave the world exactly as it would have been.
   */
  run(
    s: WorldState,
    untilNs: number,
    rng: Random,
    observer: WorldObserver | null,
    orders: OurOrders | null = null,
  ): void {
    for (;;) {
      const total = this.fillRates(s);
      const dtNs = total > 0 ? rng.exponential(1e9 / total) : Number.POSITIVE_INFINITY;
      const eventNs = s.tNs + dtNs;
      if (orders !== null && this.ordersDue(s, Math.min(eventNs, untilNs), orders, rng, observer)) continue;
      if (eventNs > untilNs) {
        s.tNs = untilNs;
        return;
      }
      s.tNs = eventNs;
      this.fire(s, this.pick(rng.next() * total), rng, observer, orders);
    }
  }

  /** Lets our orders due by `byNs` leave; true (at the time of that order) once one brought alpha. */
  private ordersDue(
    s: WorldState,
    byNs: number,
    orders: OurOrders,
    rng: Random,
    obs: WorldObserver | null,
  ): boolean {
    for (let t = orders.nextNs(); t <= byNs; t = orders.nextNs()) {
      const side = orders.take();
      if (side === 0 || this.alphaTicks === 0) continue;
      s.tNs = Math.max(s.tNs, t);
      this.addAlpha(s, side, rng, obs);
      return true;
    }
    return false;
  }

  /**
   * One of our orders of `side` leaves now: its alpha adds one-tick moves its way, as many as
   * `alphaTicks` on average (its whole part, plus one with the odds of its fraction).
   */
  addAlpha(s: WorldState, side: number, rng: Random, obs: WorldObserver | null): void {
    const whole = Math.floor(this.alphaTicks);
    const moves = whole + (rng.next() < this.alphaTicks - whole ? 1 : 0);
    if (side > 0) s.alphaUp += moves;
    else s.alphaDown += moves;
    obs?.onPrice(s, 0);
  }

  private fillRates(s: WorldState): number {
    const p = this.p;
    const r = this.rates;
    r[0] = p.jumpsPerSec * (s.volatile ? p.volatileJumpX : 1);
    r[1] = s.volatile ? p.volatileExitPerSec : p.volatileEnterPerSec;
    r[2] = (s.alphaUp + s.alphaDown) * (1e9 / p.orderAlphaTauNs);
    let total = r[0] + r[1] + r[2];
    const consume = p.consumePerSec * (s.volatile ? p.volatileConsumeX : 1);
    for (let v = 0; v < this.n; v++) {
      const k = MARKET_EVENTS + v * VENUE_EVENTS;
      const vp = p.venues[v];
      const up = s.down[v] === 0;
      const fb = freshBid(p, s, v);
      const fa = freshAsk(p, s, v);
      r[k] = up && (s.bid[v] !== fb || s.ask[v] !== fa) ? 1e9 / vp.requoteMeanNs : 0;
      r[k + 1] = up && s.ask[v] < fairAsk(p, s, v) ? 1e9 / vp.raceMeanNs : 0;
      r[k + 2] = up && s.bid[v] > fairBid(p, s, v) ? 1e9 / vp.raceMeanNs : 0;
      r[k + 3] = up ? consume : 0;
      r[k + 4] = up ? consume : 0;
      r[k + 5] = up ? p.refreshPerSec : 0;
      r[k + 6] = s.congested[v]
        ? this.congestExit[v]
        : this.congestEnter[v] * (s.volatile ? this.volatileX[v] : 1);
      r[k + 7] = s.burst[v] ? this.burstExit[v] : this.burstEnter[v];
      r[k + 8] = s.down[v]
        ? this.outageExit[v]
        : this.outageEnter[v] * (s.volatile ? this.outageVolatileX[v] : 1);
      r[k + 9] = up && s.sweep[v] !== 0 ? p.sweepPerSec : 0;
      r[k + 10] = s.sweep[v] !== 0 ? 1e9 / p.sweepMeanNs : 0;
      for (let e = 0; e < VENUE_EVENTS; e++) total += r[k + e];
    }
    return total;
  }

  private pick(u: number): number {
    const r = this.rates;
    let acc = 0;
    for (let i = 0; i < r.length; i++) {
      acc += r[i];
      if (u < acc) return i;
    }
    return r.length - 1;
  }

  private fire(
    s: WorldState,
    i: number,
    rng: Random,
    obs: WorldObserver | null,
    orders: OurOrders | null,
  ): void {
    if (i === 0) {
      this.jump(s, rng, obs, orders);
      return;
    }
    if (i === 1) {
      s.volatile ^= 1;
      if (s.volatile) s.trendDir = rng.next() < 0.5 ? 1 : -1;
      obs?.onPrice(s, 0);
      return;
    }
    if (i === 2) {
      this.alphaMove(s, rng, obs);
      return;
    }
    const v = Math.floor((i - MARKET_EVENTS) / VENUE_EVENTS);
    const e = (i - MARKET_EVENTS) % VENUE_EVENTS;
    switch (e + WorldEvent.requote) {
      case WorldEvent.requote:
        this.requote(s, v, rng);
        break;
      case WorldEvent.raceAsk:
        s.ask[v] = fairAsk(this.p, s, v);
        s.askQty[v] = this.depth(s, v, rng);
        break;
      case WorldEvent.raceBid:
        s.bid[v] = fairBid(this.p, s, v);
        s.bidQty[v] = this.depth(s, v, rng);
        break;
      case WorldEvent.consumeAsk:
        this.consume(s, s.askQty, s.ask, v, 1, rng);
        break;
      case WorldEvent.consumeBid:
        this.consume(s, s.bidQty, s.bid, v, -1, rng);
        break;
      case WorldEvent.refresh:
        // Now and then the market makers join or leave the best level; otherwise only size changes.
        if (rng.next() < this.p.levelChangeProb) this.requote(s, v, rng);
        else {
          s.bidQty[v] = this.depth(s, v, rng);
          s.askQty[v] = this.depth(s, v, rng);
        }
        break;
      case WorldEvent.sweep:
        if (s.sweep[v] > 0) this.consume(s, s.askQty, s.ask, v, 1, rng);
        else this.consume(s, s.bidQty, s.bid, v, -1, rng);
        break;
      case WorldEvent.sweepEnd:
        s.sweep[v] = 0;
        obs?.onPath(s, v);
        return;
      default:
        this.switchPath(s, v, e + WorldEvent.requote, rng, obs);
        return;
    }
    obs?.onBook(s, v);
  }

  private jump(s: WorldState, rng: Random, obs: WorldObserver | null, orders: OurOrders | null): void {
    const p = this.p;
    const dir = s.volatile
      ? rng.next() < p.trendPersistence
        ? s.trendDir
        : -s.trendDir
      : rng.next() < 0.5
        ? 1
        : -1;
    let size = 1;
    if (s.volatile) while (size < 8 && rng.next() < p.volatileExtraTickProb) size++;
    s.effTicks += dir * size;
    obs?.onPrice(s, dir * size);
    orders?.onMove(s.tNs, dir * size);
    this.chase(s, dir, obs);
  }

  /** One of the moves our alpha has yet to bring: informed takers move the price and chase it. */
  private alphaMove(s: WorldState, rng: Random, obs: WorldObserver | null): void {
    const up = rng.next() * (s.alphaUp + s.alphaDown) < s.alphaUp;
    if (up) s.alphaUp--;
    else s.alphaDown--;
    s.effTicks += up ? 1 : -1;
    obs?.onPrice(s, 0);
    this.chase(s, up ? 1 : -1, obs);
  }

  /** After a move, takers chase it through every venue's touch on its side. */
  private chase(s: WorldState, dir: number, obs: WorldObserver | null): void {
    for (let v = 0; v < this.n; v++) {
      s.sweep[v] = dir;
      obs?.onPath(s, v);
    }
  }

  private switchPath(s: WorldState, v: number, event: number, rng: Random, obs: WorldObserver | null): void {
    if (event === WorldEvent.congestion) s.congested[v] ^= 1;
    else if (event === WorldEvent.burst) s.burst[v] ^= 1;
    else {
      s.down[v] ^= 1;
      // Back from an outage: the market makers quote the present at once.
      if (!s.down[v]) {
        this.requote(s, v, rng);
        obs?.onBook(s, v);
      }
    }
    obs?.onPath(s, v);
  }

  private requote(s: WorldState, v: number, rng: Random): void {
    const odds = behindOdds(this.p, s, v);
    s.behindBid[v] = rng.next() < odds ? 1 : 0;
    s.behindAsk[v] = rng.next() < odds ? 1 : 0;
    s.bid[v] = freshBid(this.p, s, v);
    s.ask[v] = freshAsk(this.p, s, v);
    s.bidQty[v] = this.depth(s, v, rng);
    s.askQty[v] = this.depth(s, v, rng);
  }

  /** Another taker hits the touch; an emptied level gives way to the one a tick behind. */
  private consume(
    s: WorldState,
    qty: Float64Array,
    px: Float64Array,
    v: number,
    away: number,
    rng: Random,
  ): void {
    const frac = 0.1 + rng.next() * (this.p.consumeMaxFrac - 0.1);
    qty[v] -= Math.max(1, Math.round(qty[v] * frac));
    if (qty[v] <= 0) {
      px[v] += away;
      qty[v] = this.depth(s, v, rng);
    }
  }

  private depth(s: WorldState, v: number, rng: Random): number {
    const x = s.volatile ? this.p.volatileDepthX : 1;
    return Math.max(1, Math.round(this.p.venues[v].depth * x * (0.5 + rng.next())));
  }
}
