/**
 * Run-wide control shared by main and every worker: the running flag, the start barrier, the
 * trading state with the circuit breakers that set it, per-venue breaker flags, and one heartbeat
 * stamp per host thread. Breaker bits are set with Atomics.or from any thread and cleared only by
 * their reset rule (docs/execution-and-risk.md "Circuit breakers").
 */
const RUNNING = 0;
const READY = 2;
const GO = 3;
const TRADING_STATE = 4;
const BREAKERS = 5;
const SOURCE_DONE = 6;
/** Bumped by main when open orders must be reconciled with the venues (an execute restart). */
const RECONCILE = 7;
/** Bit per host index: main asks that host to fail (fault injection, `HFT_CHAOS`). */
const CRASH_REQUESTS = 8;
const VENUE_FLAGS = 16; // one Int32 per venue from here
export const MAX_VENUES = 32;
const HEADER_BYTES = (VENUE_FLAGS + MAX_VENUES) * 4;

export const TradingState = { active: 0, reducing: 1, halted: 2 } as const;
export type TradingStateValue = (typeof TradingState)[keyof typeof TradingState];
export const TRADING_STATE_NAMES = ['active', 'reducing', 'halted'] as const;

/** Each breaker, the trading state it forces, and how it resets. */
export const Breaker = {
  orderRingFull: { bit: 1, name: 'order_ring_full', state: TradingState.halted },
  lossLimit: { bit: 2, name: 'loss_limit', state: TradingState.halted },
  rejectRate: { bit: 4, name: 'reject_rate', state: TradingState.reducing },
  killSwitch: { bit: 8, name: 'kill_switch', state: TradingState.halted },
  drawdown: { bit: 16, name: 'drawdown', state: TradingState.halted },
  /** The run is ending: no new orders while open ones are cancelled or handed off. */
  shutdown: { bit: 32, name: 'shutdown', state: TradingState.halted },
} as const;
export type BreakerSpec = (typeof Breaker)[keyof typeof Breaker];
export const BREAKERS_LIST: readonly BreakerSpec[] = Object.values(Breaker);

/** Per-venue breaker bits: the router skips a venue while any is set. */
export const VenueFlag = { latencySpike: 1, outage: 2 } as const;

/** Where a stage opens and closes a venue's breaker flags (the control block, or a test double). */
export interface VenueFlagSink {
  /** Sets or clears `flag`; returns true when that changed it. */
  setVenueFlag(venueId: number, flag: number, on: boolean): boolean;
}

export interface ControlBlockHandle {
  readonly buffer: SharedArrayBuffer;
  readonly hosts: number;
}

export function createControlBlock(hosts: number): ControlBlockHandle {
  const buffer = new SharedArrayBuffer(HEADER_BYTES + hosts * 64);
  new Int32Array(buffer, 0, 4)[RUNNING] = 1;
  return { buffer, hosts };
}

export class ControlBlock implements VenueFlagSink {
  private readonly flags: Int32Array;
  private readonly beats: Float64Array;

  constructor(handle: ControlBlockHandle) {
    this.flags = new Int32Array(handle.buffer, 0, HEADER_BYTES / 4);
    this.beats = new Float64Array(handle.buffer, HEADER_BYTES);
  }

  get running(): boolean {
    return Atomics.load(this.flags, RUNNING) === 1;
  }

  stop(): void {
    Atomics.store(this.flags, RUNNING, 0);
  }

  /** Worker side of the start barrier: count in as ready, then block until main says go. */
  arriveAndAwaitGo(): void {
    Atomics.add(this.flags, READY, 1);
    while (Atomics.load(this.flags, GO) === 0 && this.running) Atomics.wait(this.flags, GO, 0, 100);
  }

  readyCount(): number {
    return Atomics.load(this.flags, READY);
  }

  /** Releases every host at once, so no stage starts producing before its consumers run. */
  go(): void {
    Atomics.store(this.flags, GO, 1);
    Atomics.notify(this.flags, GO);
  }

  /**
   * Asks risk to cancel every order it holds open: the venue side of them was lost (a restarted
   * execute worker's simulated venues start empty) and the cancels close each one either way.
   */
  requestReconcile(): void {
    Atomics.add(this.flags, RECONCILE, 1);
  }

  get reconcileSeq(): number {
    return Atomics.load(this.flags, RECONCILE);
  }

  /** Fault injection: the host at `hostIndex` throws at its next slice. */
  requestCrash(hostIndex: number): void {
    Atomics.or(this.flags, CRASH_REQUESTS, 1 << hostIndex);
  }

  /** Takes (clears) a crash request for `hostIndex`; true when there was one. */
  takeCrashRequest(hostIndex: number): boolean {
    const bit = 1 << hostIndex;
    return (Atomics.and(this.flags, CRASH_REQUESTS, ~bit) & bit) !== 0;
  }

  /** Ingest's source has nothing more to give (a replay reached its end). */
  markSourceDone(): void {
    Atomics.store(this.flags, SOURCE_DONE, 1);
  }

  get sourceDone(): boolean {
    return Atomics.load(this.flags, SOURCE_DONE) === 1;
  }

  get tradingState(): TradingStateValue {
    return Atomics.load(this.flags, TRADING_STATE) as TradingStateValue;
  }

  get halted(): boolean {
    return this.tradingState === TradingState.halted;
  }

  get breakerBits(): number {
    return Atomics.load(this.flags, BREAKERS);
  }

  /** Trips `b`; returns true only for the call that tripped it (callers count and log once). */
  trip(b: BreakerSpec): boolean {
    const before = Atomics.or(this.flags, BREAKERS, b.bit);
    this.recomputeState();
    return (before & b.bit) === 0;
  }

  /** Clears `b` (its reset rule is the caller's); returns true when it was tripped. */
  reset(b: BreakerSpec): boolean {
    const before = Atomics.and(this.flags, BREAKERS, ~b.bit);
    this.recomputeState();
    return (before & b.bit) !== 0;
  }

  isTripped(b: BreakerSpec): boolean {
    return (this.breakerBits & b.bit) !== 0;
  }

  /** The strictest state any tripped breaker asks for. */
  private recomputeState(): void {
    const bits = Atomics.load(this.flags, BREAKERS);
    let state: number = TradingState.active;
    for (const b of BREAKERS_LIST) if ((bits & b.bit) !== 0 && b.state > state) state = b.state;
    Atomics.store(this.flags, TRADING_STATE, state);
  }

  venueFlags(venueId: number): number {
    return Atomics.load(this.flags, VENUE_FLAGS + venueId);
  }

  /** True when no breaker is open on the venue. Read by the router on every order. */
  venueUsable(venueId: number): boolean {
    return Atomics.load(this.flags, VENUE_FLAGS + venueId) === 0;
  }

  /** Sets or clears a venue flag; returns true when that changed it. */
  setVenueFlag(venueId: number, flag: number, on: boolean): boolean {
    const before = on
      ? Atomics.or(this.flags, VENUE_FLAGS + venueId, flag)
      : Atomics.and(this.flags, VENUE_FLAGS + venueId, ~flag);
    return ((before & flag) !== 0) !== on;
  }

  /** Heartbeat of host `i`, ns since the process epoch (0 = never). */
  heartbeat(i: number): number {
    return this.beats[i * 8];
  }

  beat(i: number, nowNs: number): void {
    this.beats[i * 8] = nowNs;
  }
}
